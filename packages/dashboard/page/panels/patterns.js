// @ts-check
import { formatCount } from '../format.js'
import { textTable } from './table.js'

/** @type {import('./panel.js').PanelDefinition} */
export const patternsPanel = {
  id: 'patterns',
  title: 'Top statements',
  hint: 'the most frequent statement fingerprints (values as ?), with their rate, p95 and errors',
  wide: true,
  applies: (snapshot) => snapshot.patterns.length > 0,
  create(body) {
    return {
      update(snapshot) {
        body.replaceChildren(
          textTable(
            ['statement', 'kind', 'count', 'per s', 'mean ms', 'p95 ms', 'errors'],
            snapshot.patterns.map((p) => [p.fingerprint, p.kind, formatCount(p.count), p.ratePerSecond.toFixed(1), p.meanMillis.toFixed(2), p.p95Millis.toFixed(2), formatCount(p.errors)]),
            (row) => ({ 'data-pattern': row[0] ?? '' }),
          ),
        )
      },
    }
  },
}
