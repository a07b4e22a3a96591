// @ts-check
import { el, setText } from './dom.js'
import { PoolHistory } from './history.js'
import { KpiStrip } from './kpis.js'
import { PANELS } from './panels/index.js'
import { seriesOf } from './series.js'

/** @typedef {import('../src/collect/snapshot.js').PoolSnapshot} PoolSnapshot */
/** @typedef {import('./panels/panel.js').PanelDefinition} PanelDefinition */
/** @typedef {import('./panels/panel.js').PanelInstance} PanelInstance */

/** One pool's section: its name, its headline numbers, its panels. */
export class PoolView {
  /** @type {HTMLElement} */
  root
  history = new PoolHistory()
  #kpis = new KpiStrip()
  #grid = el('div', { className: 'panels' })
  #database = el('span', { className: 'pool-db' })
  #sizing = el('span', { className: 'pool-sizing' })
  /** @type {Map<string, { card: HTMLElement, instance: PanelInstance }>} */
  #panels = new Map()

  /** @param {string} name */
  constructor(name) {
    const title = el('h2', { className: 'pool-name', text: name })
    this.root = el('section', { className: 'pool', attrs: { 'data-pool': name } }, [
      el('header', { className: 'pool-header' }, [title, this.#database, this.#sizing]),
      this.#kpis.root,
      this.#grid,
    ])
  }

  /**
   * Adds one sample to the history; redraws when `render` (the last of a burst).
   * @param {number} at
   * @param {PoolSnapshot} snapshot
   * @param {boolean} render
   */
  add(at, snapshot, render) {
    this.history.push(at, seriesOf(snapshot))
    this.history.pushEvents(snapshot.events, snapshot.eventsDropped)
    if (render) this.render(at, snapshot)
  }

  /**
   * @param {number} at
   * @param {PoolSnapshot} snapshot
   */
  render(at, snapshot) {
    this.root.dataset.at = String(at)
    setText(this.#database, snapshot.database)
    setText(this.#sizing, `min ${snapshot.min} · max ${snapshot.max}`)
    this.#kpis.update(snapshot)
    for (const definition of PANELS) this.#renderPanel(definition, snapshot)
  }

  destroy() {
    for (const { instance } of this.#panels.values()) instance.destroy?.()
    this.#panels.clear()
    this.root.remove()
  }

  /**
   * @param {PanelDefinition} definition
   * @param {PoolSnapshot} snapshot
   */
  #renderPanel(definition, snapshot) {
    const existing = this.#panels.get(definition.id)
    if (!definition.applies(snapshot)) {
      if (existing) {
        existing.instance.destroy?.()
        existing.card.remove()
        this.#panels.delete(definition.id)
      }
      return
    }
    const panel = existing ?? this.#createPanel(definition)
    panel.instance.update(snapshot, this.history)
  }

  /** @param {PanelDefinition} definition */
  #createPanel(definition) {
    const body = el('div', { className: 'panel-body' })
    const card = el('article', { className: definition.wide ? 'panel wide' : 'panel', attrs: { 'data-panel': definition.id } }, [
      el('header', { className: 'panel-header' }, [
        el('h3', { text: definition.title }),
        ...(definition.hint ? [el('span', { className: 'panel-hint', text: definition.hint })] : []),
      ]),
      body,
    ])
    // keep the page order of PANELS whatever order panels appear in
    const order = PANELS.findIndex((p) => p.id === definition.id)
    const next = [...this.#grid.children].find((child) => PANELS.findIndex((p) => p.id === /** @type {HTMLElement} */ (child).dataset.panel) > order)
    this.#grid.insertBefore(card, next ?? null)
    const panel = { card, instance: definition.create(body) }
    this.#panels.set(definition.id, panel)
    return panel
  }
}
