// @ts-check
import { el } from '../dom.js'
import { formatCount, formatMillis, formatPercent, formatRate } from '../format.js'
import { textTable } from './table.js'

/** @param {import('../../src/collect/snapshot.js').NodeSnapshot} n */
function status(n) {
  if (n.healthy) return n.role === 'primary' ? 'open' : 'in rotation'
  return n.reason ?? 'out of rotation'
}

/**
 * The breaker as one cell: its state, when it probes again while open, and
 * how often it opened; the window's error rate while it is not closed.
 * @param {import('../../src/collect/snapshot.js').NodeSnapshot} n
 */
function breaker(n) {
  const b = n.breaker
  if (!b) return 'off'
  /** @type {string[]} */
  const parts = [b.state]
  if (b.state === 'open' && b.retryAfterMillis !== null) parts.push(`probes in ${formatMillis(b.retryAfterMillis)}`)
  if (b.state !== 'closed') parts.push(`${formatPercent(b.errorRate)} failing`)
  if (b.opened > 0) parts.push(`opened ${formatCount(b.opened)}×`)
  if (b.rejected > 0) parts.push(`${formatCount(b.rejected)} refused`)
  return parts.join(' · ')
}

/** @type {import('./panel.js').PanelDefinition} */
export const nodesPanel = {
  id: 'nodes',
  title: 'Nodes',
  hint: 'the primary and each replica: routing, lag and circuit breakers (their changes are in Recent events)',
  wide: true,
  applies: (s) => s.nodes.some((n) => n.role === 'replica' || n.breaker !== null),
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
          breaker(n),
        ])
        /** @type {(row: string[], i: number) => Record<string, string>} */
        const attrs = (_row, i) => {
          const node = snapshot.nodes[i]
          return node ? { 'data-node': node.node, 'data-healthy': String(node.healthy), 'data-breaker': node.breaker?.state ?? 'off' } : {}
        }
        const table = textTable(['node', 'database', 'status', 'lag', 'in use / open', 'reads', 'reads/s', 'breaker'], rows, attrs)
        const routing = snapshot.routing
        const summary = routing
          ? [`${formatCount(routing.readsToReplicas)} reads to replicas`, `${formatCount(routing.readsToPrimary)} to the primary`, `${formatCount(routing.writes)} writes`, `${formatCount(routing.fallbacks)} fallbacks`].join(' · ')
          : ''
        body.replaceChildren(table, el('p', { className: 'muted small', text: summary }))
      },
    }
  },
}
