// @ts-check
import { el, setText } from './dom.js'
import { formatCount, formatMillis, formatPercent, formatRate } from './format.js'

/** @typedef {import('../src/collect/snapshot.js').PoolSnapshot} PoolSnapshot */

/**
 * One number on a card. `data-kpi` names it and `data-value` holds it
 * unformatted, for scripts and tests reading the page.
 * @typedef {object} Figure
 * @property {string} key
 * @property {string} label
 * @property {(s: PoolSnapshot) => number | null} value
 * @property {(v: number | null) => string} format
 */

/**
 * @typedef {object} Card
 * @property {Figure} main
 * @property {Figure[]} more
 * @property {(s: PoolSnapshot) => boolean} [applies]
 * @property {(s: PoolSnapshot) => 'ok' | 'warn' | 'bad'} [tone]
 */

/** @type {Card[]} */
const CARDS = [
  {
    main: { key: 'active', label: 'in use', value: (s) => s.connections.active, format: formatCount },
    more: [
      { key: 'max', label: 'max', value: (s) => s.max, format: formatCount },
      { key: 'utilization', label: 'used', value: (s) => s.utilization, format: formatPercent },
    ],
    tone: (s) => (s.utilization >= 0.95 ? 'bad' : s.utilization >= 0.8 ? 'warn' : 'ok'),
  },
  {
    main: { key: 'total', label: 'open', value: (s) => s.connections.total, format: formatCount },
    more: [
      { key: 'idle', label: 'idle', value: (s) => s.connections.idle, format: formatCount },
      { key: 'pendingCreates', label: 'opening', value: (s) => s.connections.pendingCreates, format: formatCount },
    ],
  },
  {
    main: { key: 'pendingAcquires', label: 'waiting', value: (s) => s.connections.pendingAcquires, format: formatCount },
    more: [{ key: 'acquireTimeouts', label: 'timed out', value: (s) => s.totals.acquireTimeouts, format: formatCount }],
    tone: (s) => (s.connections.pendingAcquires > 0 ? 'warn' : 'ok'),
  },
  {
    main: { key: 'queriesPerSecond', label: 'statements/s', value: (s) => s.rates?.queriesPerSecond ?? null, format: formatRate },
    more: [{ key: 'executed', label: 'total', value: (s) => s.totals.executed, format: formatCount }],
  },
  {
    main: { key: 'errorsPerSecond', label: 'errors/s', value: (s) => s.rates?.errorsPerSecond ?? null, format: formatRate },
    more: [
      { key: 'errors', label: 'total', value: (s) => s.totals.errors, format: formatCount },
      { key: 'errorRatio', label: 'of statements', value: (s) => s.rates?.errorRatio ?? null, format: formatPercent },
    ],
    tone: (s) => ((s.rates?.errorsPerSecond ?? 0) > 0 ? 'bad' : 'ok'),
  },
  {
    main: { key: 'acquireP99', label: 'acquire p99', value: (s) => s.acquireWait.p99Millis, format: formatMillis },
    more: [{ key: 'acquireAvg', label: 'avg', value: (s) => s.acquireWait.avgMillis, format: formatMillis }],
  },
  {
    main: { key: 'queryP99', label: 'statement p99', value: (s) => s.queryTime.p99Millis, format: formatMillis },
    more: [{ key: 'queryAvg', label: 'avg', value: (s) => s.queryTime.avgMillis, format: formatMillis }],
  },
  {
    main: { key: 'cacheHitRatio', label: 'statement cache hits', value: (s) => s.statementCache?.hitRatio ?? null, format: formatPercent },
    more: [{ key: 'cacheSize', label: 'prepared', value: (s) => s.statementCache?.size ?? null, format: formatCount }],
    applies: (s) => s.statementCache !== null,
  },
  {
    main: { key: 'workflowsActive', label: 'workflows', value: (s) => s.workflows.active, format: formatCount },
    more: [{ key: 'workflowsCompleted', label: 'done', value: (s) => s.workflows.completed, format: formatCount }],
  },
  {
    main: { key: 'connectionsCreated', label: 'opened', value: (s) => s.totals.connectionsCreated, format: formatCount },
    more: [
      { key: 'connectionsRecycled', label: 'recycled', value: (s) => s.totals.connectionsRecycled, format: formatCount },
      { key: 'connectsFailed', label: 'failed', value: (s) => s.totals.connectsFailed, format: formatCount },
    ],
    tone: (s) => (s.totals.connectsFailed > 0 ? 'warn' : 'ok'),
  },
]

/** The row of headline numbers of one pool. */
export class KpiStrip {
  /** @type {HTMLElement} */
  root = el('div', { className: 'kpis' })
  /** @type {Array<{ card: Card, node: HTMLElement, figures: Array<{ figure: Figure, node: HTMLElement }> }>} */
  #cards = []

  constructor() {
    for (const card of CARDS) {
      const main = figureNode(card.main, 'kpi-main')
      const figures = [{ figure: card.main, node: main }]
      const more = el('div', { className: 'kpi-more' })
      for (const figure of card.more) {
        const node = figureNode(figure, 'kpi-sub')
        figures.push({ figure, node })
        more.append(el('span', { className: 'kpi-pair' }, [node, el('span', { className: 'kpi-sub-label', text: ` ${figure.label}` })]))
      }
      const node = el('div', { className: 'kpi' }, [main, el('div', { className: 'kpi-label', text: card.main.label }), more])
      this.#cards.push({ card, node, figures })
      this.root.append(node)
    }
  }

  /** @param {PoolSnapshot} snapshot */
  update(snapshot) {
    for (const { card, node, figures } of this.#cards) {
      node.hidden = card.applies ? !card.applies(snapshot) : false
      node.dataset.tone = card.tone?.(snapshot) ?? 'ok'
      for (const { figure, node: figureEl } of figures) {
        const value = figure.value(snapshot)
        figureEl.dataset.value = value === null ? '' : String(value)
        setText(figureEl, figure.format(value))
      }
    }
  }
}

/**
 * @param {Figure} figure
 * @param {string} className
 */
function figureNode(figure, className) {
  return el('span', { className, attrs: { 'data-kpi': figure.key } })
}
