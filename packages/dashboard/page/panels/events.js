// @ts-check
import { el } from '../dom.js'
import { formatClock } from '../format.js'

const KEEP = 40

/** @type {Record<string, string>} */
const LABELS = { connect: 'opened', remove: 'closed', error: 'error' }

/** @type {import('./panel.js').PanelDefinition} */
export const eventsPanel = {
  id: 'events',
  title: 'Recent events',
  hint: 'connections opened and closed (with the reason), errors the pool handled',
  wide: true,
  applies: () => true,
  create(body) {
    const list = el('ol', { className: 'events' })
    const none = el('p', { className: 'muted', text: 'Nothing yet.' })
    const dropped = el('p', { className: 'muted small' })
    body.append(list, none, dropped)
    /** @type {import('../../src/collect/snapshot.js').PoolEventRecord[]} */
    let kept = []
    let droppedTotal = 0
    return {
      update(snapshot) {
        if (snapshot.events.length === 0 && kept.length > 0) return
        kept = [...snapshot.events.slice().reverse(), ...kept].slice(0, KEEP)
        droppedTotal += snapshot.eventsDropped
        none.hidden = kept.length > 0
        dropped.textContent = droppedTotal > 0 ? `${droppedTotal} more events were too many to show` : ''
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
