/** Number formatting shared by the console progress and the Markdown tables. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 12,345 for throughputs; three significant digits below 100 so small rates stay readable. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '—'
  if (value >= 100) return grouped.format(Math.round(value))
  return value.toPrecision(3)
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '—'
}

export function formatFixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits)
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '+'
  const abs = Math.abs(bytes)
  if (abs >= 2 ** 20) return `${sign}${(abs / 2 ** 20).toFixed(2)} MiB`
  if (abs >= 2 ** 10) return `${sign}${(abs / 2 ** 10).toFixed(1)} KiB`
  return `${sign}${abs} B`
}

export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}
