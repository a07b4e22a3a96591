// @ts-check
import { el } from '../dom.js'
import { formatCount, formatMillis } from '../format.js'

/** @param {number | null} upToMillis */
function bucketLabel(upToMillis) {
  return upToMillis === null ? 'longer' : `≤ ${formatMillis(upToMillis)}`
}

/** @type {import('./panel.js').PanelDefinition} */
export const acquireHistogramPanel = {
  id: 'acquire-histogram',
  title: 'Acquire wait distribution',
  hint: 'acquires per wait bucket since the pool started (empty buckets left out; bars on a log scale, so that rare slow waits show)',
  applies: () => true,
  create(body) {
    const median = el('p', { className: 'muted small' })
    const list = el('ol', { className: 'bars' })
    const none = el('p', { className: 'muted', text: 'No acquire yet.' })
    body.append(median, list, none)
    return {
      update(snapshot) {
        const { buckets, count, p50Millis } = snapshot.acquireWaitDistribution
        none.hidden = count > 0
        median.textContent = count > 0 ? `${formatCount(count)} acquires · median ${formatMillis(p50Millis)}` : ''
        const filled = buckets.filter((b) => b.count > 0)
        const most = Math.log1p(Math.max(1, ...filled.map((b) => b.count)))
        list.replaceChildren(
          ...filled.map(({ upToMillis, count: inBucket }) => {
            const fill = el('span', { className: 'bar-fill good' })
            fill.style.width = `${(Math.log1p(inBucket) / most) * 100}%`
            return el('li', { className: 'bar-row', attrs: { 'data-bucket': upToMillis === null ? 'inf' : String(upToMillis), 'data-value': String(inBucket) } }, [
              el('span', { className: 'bar-label', text: bucketLabel(upToMillis) }),
              el('span', { className: 'bar-track' }, [fill]),
              el('span', { className: 'bar-value', text: formatCount(inBucket) }),
            ])
          }),
        )
      },
    }
  },
}
