// @ts-check
import { formatMillis, formatRate } from '../format.js'
import { COLORS, PALETTE } from '../theme.js'
import { chartPanel } from './chart-panel.js'

const count = (/** @type {number} */ v) => String(Math.round(v))
// small shares keep a decimal, so that 0.5% is not shown as 1%
const percent = (/** @type {number} */ v) => `${v > 0 && v < 10 ? v.toFixed(1) : Math.round(v)}%`

export const connectionsPanel = chartPanel({
  id: 'connections',
  title: 'Connections by state',
  hint: 'in use, idle, in checks, waiting, opening',
  applies: () => true,
  chart: {
    format: count,
    series: [
      { key: 'active', label: 'in use', color: COLORS.blue, fill: true },
      { key: 'idle', label: 'idle', color: COLORS.green },
      { key: 'reserved', label: 'checks', color: COLORS.purple },
      { key: 'pending', label: 'waiting', color: COLORS.amber },
      { key: 'creating', label: 'opening', color: COLORS.teal },
      { key: 'max', label: 'max', color: COLORS.grey, dashed: true },
    ],
  },
})

export const utilizationPanel = chartPanel({
  id: 'utilization',
  title: 'Utilization',
  hint: 'connections in use / max',
  applies: () => true,
  chart: { format: percent, range: [0, 100], series: [{ key: 'utilization', label: 'in use', color: COLORS.blue, fill: true }] },
})

export const throughputPanel = chartPanel({
  id: 'throughput',
  title: 'Throughput',
  hint: 'statements per second',
  applies: () => true,
  chart: { format: formatRate, series: [{ key: 'qps', label: 'statements/s', color: COLORS.green, fill: true }] },
})

export const errorsPanel = chartPanel({
  id: 'errors',
  title: 'Errors',
  hint: 'failed statements per second, and their share',
  applies: () => true,
  chart: {
    format: formatRate,
    format2: percent,
    series: [
      { key: 'errorsPerSecond', label: 'errors/s', color: COLORS.red, fill: true },
      { key: 'errorPercent', label: 'error rate', color: COLORS.amber, scale: 'y2' },
    ],
  },
})

export const acquireWaitPanel = chartPanel({
  id: 'acquire-wait',
  title: 'Acquire wait',
  hint: 'p50 and mean since start, p99 of the last 1 024',
  applies: () => true,
  chart: {
    format: formatMillis,
    series: [
      { key: 'acquireP50', label: 'p50', color: COLORS.green },
      { key: 'acquireAvg', label: 'avg', color: COLORS.blue },
      { key: 'acquireP99', label: 'p99', color: COLORS.amber },
    ],
  },
})

export const queryTimePanel = chartPanel({
  id: 'query-time',
  title: 'Statement time',
  hint: 'mean since start, p99 of the last 1 024',
  applies: () => true,
  chart: {
    format: formatMillis,
    series: [
      { key: 'queryAvg', label: 'avg', color: COLORS.green },
      { key: 'queryP99', label: 'p99', color: COLORS.purple },
    ],
  },
})

export const statementCachePanel = chartPanel({
  id: 'statement-cache',
  title: 'Statement cache hit rate',
  hint: 'per interval, and since start',
  applies: (s) => s.statementCache !== null,
  chart: {
    format: percent,
    range: [0, 100],
    series: [
      { key: 'cacheHitInterval', label: 'interval', color: COLORS.teal, fill: true },
      { key: 'cacheHitTotal', label: 'since start', color: COLORS.grey, dashed: true },
    ],
  },
})

export const replicaLagPanel = chartPanel({
  id: 'replica-lag',
  title: 'Replica lag',
  hint: 'at each replica check',
  applies: (s) => s.nodes.some((n) => n.role === 'replica'),
  chart: (s) => ({
    format: formatMillis,
    series: s.nodes
      .filter((n) => n.role === 'replica')
      .map((n, i) => ({ key: `lag:${n.node}`, label: n.node, color: PALETTE[i % PALETTE.length] ?? COLORS.teal })),
  }),
})
