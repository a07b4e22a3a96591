// @ts-check
import { el } from '../dom.js'
import { formatCount, formatMillis, formatRate } from '../format.js'
import { textTable } from './table.js'

/** @param {import('../../src/collect/snapshot.js').NodeSnapshot} n */
function status(n) {
  if (n.healthy) return n.role === 'primary' ? 'open' : 'in rotation'
  return n.reason ?? 'out of rotation'
}

/** @type {import('./panel.js').PanelDefinition} */
export const nodesPanel = {
  id: 'nodes',
  title: 'Nodes',
  hint: 'the primary and each replica, as the router sees them',
  wide: true,
  applies: (s) => s.nodes.some((n) => n.role === 'replica'),
  create(body) {
    return {
      update(snapshot) {
        const rows = snapshot.nodes.map((n) => [
          n.node,
          n.database,
          status(n),
          n.replayStopped ? 'replay stopped' : n.role === 'replica' ? formatMillis(n.lagMillis) : '',
          `${n.activeConnections} / ${n.totalConnections}`,
          n.reads === null ? '' : formatCount(n.reads),
          n.readsPerSecond === null ? '' : formatRate(n.readsPerSecond),
        ])
        /** @type {(row: string[], i: number) => Record<string, string>} */
        const attrs = (_row, i) => {
          const node = snapshot.nodes[i]
          return node ? { 'data-node': node.node, 'data-healthy': String(node.healthy) } : {}
        }
        const table = textTable(['node', 'database', 'status', 'lag', 'in use / open', 'reads', 'reads/s'], rows, attrs)
        const routing = snapshot.routing
        const summary = routing
          ? [`${formatCount(routing.readsToReplicas)} reads to replicas`, `${formatCount(routing.readsToPrimary)} to the primary`, `${formatCount(routing.writes)} writes`, `${formatCount(routing.fallbacks)} fallbacks`].join(' · ')
          : ''
        body.replaceChildren(table, el('p', { className: 'muted small', text: summary }))
      },
    }
  },
}
