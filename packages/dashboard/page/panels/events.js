// @ts-check
import { el } from '../dom.js'
import { formatClock } from '../format.js'

/** @type {Record<string, string>} */
const LABELS = { connect: 'opened', remove: 'closed', error: 'error', breaker: 'breaker' }

/** @type {import('./panel.js').PanelDefinition} */
export const eventsPanel = {
  id: 'events',
  title: 'Recent events',
  hint: 'connections opened and closed (with the reason), errors the pool handled, circuit-breaker changes',
  wide: true,
  applies: () => true,
  create(body) {
    const list = el('ol', { className: 'events' })
    const none = el('p', { className: 'muted', text: 'Nothing yet.' })
    const dropped = el('p', { className: 'muted small' })
    body.append(list, none, dropped)
    let shownFirst = -1
    return {
      update(_snapshot, history) {
        const kept = history.events
        // redraw only when something new arrived
        if (kept.length > 0 && kept[0]?.seq === shownFirst) return
        shownFirst = kept[0]?.seq ?? -1
        none.hidden = kept.length > 0
        dropped.textContent = history.eventsDropped > 0 ? `${history.eventsDropped} more events were too many to show` : ''
        list.replaceChildren(
          ...kept.map((e) =>
            el('li', { className: `event ${e.kind}` }, [
              el('time', { text: formatClock(e.at) }),
              el('span', { className: 'event-kind', text: LABELS[e.kind] ?? e.kind }),
              el('span', { className: 'event-conn', text: e.connectionId ?? '' }),
              el('span', { className: 'event-detail', text: e.detail ?? '' }),
            ]),
          ),
        )
      },
    }
  },
}
