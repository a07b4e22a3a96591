// @ts-check

/**
 * One concern of a pool on the page. A panel is drawn while `applies` says
 * its data exists, and not at all otherwise (no empty or sample charts).
 * A new engine figure gets a new file here and a line in `index.js`.
 *
 * @typedef {import('../../src/collect/snapshot.js').PoolSnapshot} PoolSnapshot
 * @typedef {import('../history.js').PoolHistory} PoolHistory
 *
 * @typedef {object} PanelInstance
 * @property {(snapshot: PoolSnapshot, history: PoolHistory) => void} update
 * @property {() => void} [destroy]
 *
 * @typedef {object} PanelDefinition
 * @property {string} id                 stable, for tests and styling (`data-panel`)
 * @property {string} title
 * @property {string} [hint]             what the panel shows, one line
 * @property {boolean} [wide]            spans two columns
 * @property {(snapshot: PoolSnapshot) => boolean} applies
 * @property {(body: HTMLElement) => PanelInstance} create
 */

export {}
