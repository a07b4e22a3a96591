// @ts-check
import { el } from '../dom.js'

/** @param {number} score */
function level(score) {
  return score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor'
}

/** @type {import('./panel.js').PanelDefinition} */
export const healthPanel = {
  id: 'health',
  title: 'Connection health',
  hint: 'score 0-100 of each open connection',
  applies: () => true,
  create(body) {
    const list = el('ol', { className: 'bars' })
    const none = el('p', { className: 'muted', text: 'No connection open.' })
    body.append(list, none)
    return {
      update(snapshot) {
        none.hidden = snapshot.health.length > 0
        list.replaceChildren(
          ...snapshot.health.map(({ id, score }) => {
            const fill = el('span', { className: `bar-fill ${level(score)}` })
            fill.style.width = `${Math.max(0, Math.min(100, score))}%`
            return el('li', { className: 'bar-row', attrs: { 'data-connection': id, 'data-value': String(score) } }, [
              el('span', { className: 'bar-label', text: id }),
              el('span', { className: 'bar-track' }, [fill]),
              el('span', { className: 'bar-value', text: String(Math.round(score)) }),
            ])
          }),
        )
      },
    }
  },
}
