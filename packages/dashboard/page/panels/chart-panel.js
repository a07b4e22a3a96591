// @ts-check
import { Chart } from '../chart.js'

/**
 * A panel that is one chart of history series: most of them.
 * @param {Omit<import('./panel.js').PanelDefinition, 'create'> & { chart: import('../chart.js').ChartOptions | ((snapshot: import('./panel.js').PoolSnapshot) => import('../chart.js').ChartOptions) }} definition
 * @returns {import('./panel.js').PanelDefinition}
 */
export function chartPanel({ chart, ...definition }) {
  return {
    ...definition,
    create(body) {
      /** @type {Chart | undefined} */
      let current
      let signature = ''
      return {
        update(snapshot, history) {
          const options = typeof chart === 'function' ? chart(snapshot) : chart
          // the series can change (a replica appears): rebuild the chart then
          const next = options.series.map((s) => s.key).join('\n')
          if (next !== signature) {
            current?.destroy()
            body.replaceChildren()
            current = new Chart(body, options)
            signature = next
          }
          current?.update(history)
        },
        destroy: () => current?.destroy(),
      }
    },
  }
}
