// @ts-check
import { setText } from './dom.js'
import { formatClock } from './format.js'
import { PoolView } from './pool-view.js'

/** @typedef {import('../src/collect/snapshot.js').DashboardFrame} DashboardFrame */

const poolsRoot = /** @type {HTMLElement} */ (document.getElementById('pools'))
const empty = /** @type {HTMLElement} */ (document.getElementById('empty'))
const status = /** @type {HTMLElement} */ (document.getElementById('status'))
const statusText = /** @type {HTMLElement} */ (document.getElementById('status-text'))

/** @type {Map<string, PoolView>} */
const views = new Map()

/**
 * Applies one frame: new pools get a section, pools no longer shown (closed
 * or removed) lose theirs, the others add a point and redraw when `render`.
 * @param {DashboardFrame} frame
 * @param {boolean} render
 */
function apply(frame, render) {
  const shown = new Set(frame.pools.map((p) => p.name))
  for (const [name, view] of views) {
    if (!shown.has(name)) {
      view.destroy()
      views.delete(name)
    }
  }
  for (const snapshot of frame.pools) {
    let view = views.get(snapshot.name)
    if (!view) {
      view = new PoolView(snapshot.name)
      views.set(snapshot.name, view)
      poolsRoot.append(view.root)
    }
    // a pool that appears mid-burst still renders once, at its own last frame
    view.add(frame.at, snapshot, render)
  }
  if (render) {
    empty.hidden = frame.pools.length > 0
    document.body.dataset.at = String(frame.at)
    setStatus('live', `live · ${formatClock(frame.at)} · every ${frame.intervalMillis / 1000} s`)
  }
}

/**
 * @param {'connecting' | 'live' | 'retrying' | 'stopped'} state
 * @param {string} text
 */
function setStatus(state, text) {
  status.dataset.state = state
  setText(statusText, text)
}

/** @param {DashboardFrame[]} frames */
function replay(frames) {
  for (const view of views.values()) view.destroy()
  views.clear()
  frames.forEach((frame, i) => apply(frame, i === frames.length - 1))
  if (frames.length === 0) {
    empty.hidden = false
    setStatus('live', 'live · waiting for the first sample')
  }
}

function connect() {
  const source = new EventSource('/events')
  source.addEventListener('history', (event) => replay(/** @type {{ frames: DashboardFrame[] }} */ (JSON.parse(event.data)).frames))
  source.addEventListener('frame', (event) => apply(/** @type {DashboardFrame} */ (JSON.parse(event.data)), true))
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) setStatus('stopped', 'disconnected: reload the page')
    else setStatus('retrying', 'reconnecting…')
  })
}

connect()
