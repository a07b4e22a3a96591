// @ts-check
import { el } from '../dom.js'
import { formatCount } from '../format.js'
import { textTable } from './table.js'

/** @type {import('./panel.js').PanelDefinition} */
export const workflowsPanel = {
  id: 'workflows',
  title: 'Workflows',
  hint: 'scopes running now, and the peak connections each type needed recently',
  applies: () => true,
  create(body) {
    const totals = el('p', { className: 'muted small' })
    const holder = el('div')
    body.append(totals, holder)
    return {
      update(snapshot) {
        const w = snapshot.workflows
        totals.textContent = `${formatCount(w.active)} active · ${formatCount(w.completed)} completed · ${formatCount(w.leakedConnectionsReleased)} leaked connections released`
        holder.replaceChildren(
          w.learned.length === 0
            ? el('p', { className: 'muted', text: 'No workflow has completed yet.' })
            : textTable(
                ['type', 'recent runs', 'last peak', 'max peak'],
                w.learned.map((t) => [t.type, formatCount(t.runs), formatCount(t.lastPeak), formatCount(t.maxPeak)]),
                (row) => ({ 'data-workflow': row[0] ?? '' }),
              ),
        )
      },
    }
  },
}
