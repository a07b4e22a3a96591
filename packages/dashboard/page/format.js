// @ts-check

/**
 * @param {number | null | undefined} millis
 * @returns {string}
 */
export function formatMillis(millis) {
  if (millis === null || millis === undefined) return '–'
  if (millis === 0) return '0 ms'
  if (millis >= 1000) return `${(millis / 1000).toFixed(millis >= 10_000 ? 0 : 1)} s`
  return `${millis.toFixed(millis < 10 ? 2 : millis < 100 ? 1 : 0)} ms`
}

/**
 * @param {number | null | undefined} perSecond
 * @returns {string}
 */
export function formatRate(perSecond) {
  if (perSecond === null || perSecond === undefined) return '–'
  return perSecond >= 100 ? formatCount(Math.round(perSecond)) : perSecond.toFixed(1)
}

/**
 * A ratio (0..1) as a percentage.
 * @param {number | null | undefined} ratio
 * @returns {string}
 */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined) return '–'
  const percent = ratio * 100
  return `${percent === 0 || percent === 100 ? percent.toFixed(0) : percent.toFixed(1)}%`
}

/**
 * @param {number | null | undefined} count
 * @returns {string}
 */
export function formatCount(count) {
  if (count === null || count === undefined) return '–'
  return count.toLocaleString('en-US')
}

/**
 * @param {number} at ms since the epoch
 * @returns {string}
 */
export function formatClock(at) {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false })
}
