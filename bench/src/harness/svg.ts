/**
 * A line chart as plain SVG text: no plotting dependency, nothing to install,
 * and the output diffs readably in review. Enough for "throughput against
 * concurrency, one line per contender, with the spread of the rounds".
 */

export interface PlotPoint {
  readonly x: number
  readonly median: number
  /** Drawn as an error bar when given (min–max of the rounds). */
  readonly low?: number
  readonly high?: number
}

export interface PlotSeries {
  readonly name: string
  readonly points: readonly PlotPoint[]
  /** Dashed, for a reference that is not a contender (pgbench's ceiling). */
  readonly dashed?: boolean
}

export interface PlotOptions {
  readonly title: string
  readonly subtitle?: string
  readonly xLabel: string
  readonly yLabel: string
  readonly series: readonly PlotSeries[]
  /** Log-2 x axis: concurrencies 1, 16, 64, 256 spread evenly. */
  readonly logX?: boolean
}

// colour-blind-safe palette (Okabe–Ito); Sluice is drawn first, in the strongest colour
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000']

const WIDTH = 760
const HEIGHT = 440
const MARGIN = { top: 56, right: 180, bottom: 56, left: 84 }

export function lineChart(options: PlotOptions): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  const xs = [...new Set(options.series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b)
  const tx = (v: number): number => (options.logX ? Math.log2(v) : v)
  const xMin = tx(xs[0] ?? 1)
  const xMax = tx(xs[xs.length - 1] ?? 1)
  const yMaxData = Math.max(1, ...options.series.flatMap((s) => s.points.map((p) => Math.max(p.median, p.high ?? 0))))
  const { max: yMax, step } = niceScale(yMaxData)
  const sx = (v: number): number => MARGIN.left + (xMax === xMin ? plotW / 2 : ((tx(v) - xMin) / (xMax - xMin)) * plotW)
  const sy = (v: number): number => MARGIN.top + plotH - (v / yMax) * plotH

  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="16" font-weight="600">${escape(options.title)}</text>`,
  )
  if (options.subtitle) parts.push(`<text x="${MARGIN.left}" y="42" fill="#555">${escape(options.subtitle)}</text>`)
  // grid and y ticks
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const y = sy(v).toFixed(1)
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#333">${formatTick(v)}</text>`)
  }
  // x ticks
  for (const x of xs) {
    const px = sx(x).toFixed(1)
    parts.push(`<line x1="${px}" x2="${px}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#333"/>`)
    parts.push(`<text x="${px}" y="${MARGIN.top + plotH + 20}" text-anchor="middle" fill="#333">${x}</text>`)
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 14}" text-anchor="middle" fill="#333">${escape(options.xLabel)}</text>`,
    `<text transform="translate(20 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">${escape(options.yLabel)}</text>`,
  )
  options.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length]!
    const points = [...series.points].sort((a, b) => a.x - b.x)
    const path = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.median).toFixed(1)}`).join(' ')
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : ''
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`)
    for (const p of points) {
      const px = sx(p.x)
      if (p.low !== undefined && p.high !== undefined) {
        parts.push(
          `<line x1="${px.toFixed(1)}" x2="${px.toFixed(1)}" y1="${sy(p.low).toFixed(1)}" y2="${sy(p.high).toFixed(1)}" stroke="${colour}" stroke-width="1.5"/>`,
        )
      }
      parts.push(`<circle cx="${px.toFixed(1)}" cy="${sy(p.median).toFixed(1)}" r="3.5" fill="${colour}"><title>${escape(`${series.name} @ ${p.x}: ${Math.round(p.median)}`)}</title></circle>`)
    }
    const ly = MARGIN.top + 10 + i * 22
    const lx = MARGIN.left + plotW + 16
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`)
    parts.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle" fill="#222">${escape(series.name)}</text>`)
  })
  parts.push(
    `<text x="${MARGIN.left + plotW + 16}" y="${MARGIN.top + 10 + options.series.length * 22 + 8}" fill="#666" font-size="11">dot: median; bar: min–max</text>`,
    '</svg>',
  )
  return `${parts.join('\n')}\n`
}

function niceScale(maxValue: number): { max: number; step: number } {
  const rough = maxValue / 5
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude
  return { max: Math.ceil((maxValue * 1.05) / step) * step, step }
}

function formatTick(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(value % 1e6 === 0 ? 0 : 1)}M`
  if (value >= 1e3) return `${(value / 1e3).toFixed(value % 1e3 === 0 ? 0 : 1)}k`
  return String(value)
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
