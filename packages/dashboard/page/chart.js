// @ts-check
import { formatClock } from './format.js'
import { AXIS } from './theme.js'

/** @typedef {import('./history.js').PoolHistory} PoolHistory */

/**
 * @typedef {object} ChartSeries
 * @property {string} key      the history series it draws
 * @property {string} label    shown in the legend (set as text by uPlot)
 * @property {string} color
 * @property {boolean} [dashed]
 * @property {boolean} [fill]
 * @property {'y' | 'y2'} [scale]
 */

/**
 * @typedef {object} ChartOptions
 * @property {ChartSeries[]} series
 * @property {(value: number) => string} format     y-axis and legend values
 * @property {(value: number) => string} [format2]  the right-hand axis, when a series uses `y2`
 * @property {[number, number]} [range]             fixed y range (e.g. 0..100 for percentages)
 * @property {number} [height]
 */

const HEIGHT = 150

/** One small uPlot time chart that follows its container's width. */
export class Chart {
  /** @type {HTMLElement} */
  #container
  /** @type {ChartOptions} */
  #options
  /** @type {import('uplot') | undefined} */
  #plot
  /** @type {ResizeObserver} */
  #resize

  /**
   * @param {HTMLElement} container
   * @param {ChartOptions} options
   */
  constructor(container, options) {
    this.#container = container
    this.#options = options
    this.#resize = new ResizeObserver(() => this.#fit())
    this.#resize.observe(container)
  }

  /** @param {PoolHistory} history */
  update(history) {
    /** @type {import('uplot').AlignedData} */
    const data = [history.times, ...this.#options.series.map((s) => history.get(s.key))]
    if (!this.#plot) this.#plot = this.#create(data)
    else this.#plot.setData(data)
    // while the pointer is elsewhere the legend shows the latest values
    const plot = this.#plot
    if (plot.cursor.left === undefined || plot.cursor.left < 0) plot.setLegend({ idx: history.times.length - 1 })
  }

  destroy() {
    this.#resize.disconnect()
    this.#plot?.destroy()
  }

  /** @param {import('uplot').AlignedData} data */
  #create(data) {
    const { series, format, format2, range } = this.#options
    const hasY2 = series.some((s) => s.scale === 'y2')
    /** @type {import('uplot').Axis} */
    const xAxis = {
      stroke: AXIS.text,
      font: AXIS.font,
      grid: { stroke: AXIS.grid, width: 1 },
      ticks: { show: false },
      space: 70,
      values: (_u, splits) => splits.map((v) => formatClock(v * 1000)),
    }
    /** @type {(f: (v: number) => string, side?: number, scale?: string) => import('uplot').Axis} */
    const yAxis = (f, side = 3, scale = 'y') => ({
      scale,
      side,
      stroke: AXIS.text,
      font: AXIS.font,
      size: 56,
      grid: { stroke: AXIS.grid, width: 1, show: side === 3 },
      ticks: { show: false },
      values: (_u, splits) => splits.map((v) => (v == null ? '' : f(v))),
    })
    return new uPlot(
      {
        width: Math.max(200, this.#container.clientWidth),
        height: this.#options.height ?? HEIGHT,
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        legend: { live: true },
        scales: {
          x: { time: true },
          y: range ? { range } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
          ...(hasY2 ? { y2: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } } : {}),
        },
        axes: [xAxis, yAxis(format), ...(hasY2 ? [yAxis(format2 ?? format, 1, 'y2')] : [])],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.6,
            scale: s.scale ?? 'y',
            spanGaps: false,
            points: { show: false },
            /** @type {(u: import('uplot'), value: number | null) => string} */
            value: (_u, v) => (v == null ? '–' : (s.scale === 'y2' && format2 ? format2 : format)(v)),
            ...(s.dashed ? { dash: [4, 4] } : {}),
            ...(s.fill ? { fill: `${s.color}22` } : {}),
          })),
        ],
      },
      data,
      this.#container,
    )
  }

  #fit() {
    const width = Math.max(200, this.#container.clientWidth)
    if (this.#plot && this.#plot.width !== width) this.#plot.setSize({ width, height: this.#options.height ?? HEIGHT })
  }
}
