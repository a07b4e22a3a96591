/** Prometheus text exposition -> `name{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    const raw = line.slice(at + 1)
    samples.set(line.slice(0, at), raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw))
  }
  return samples
}

/** One histogram series of a parsed scrape: its buckets by bound, `+Inf`, sum and count. */
export function bucketsOf(samples: Map<string, number>, name: string, labels: string) {
  const bounds: number[] = []
  const cumulative: number[] = []
  const prefix = `${name}_bucket{${labels},le="`
  for (const [key, value] of samples) {
    if (!key.startsWith(prefix)) continue
    const le = key.slice(prefix.length, -2)
    if (le === '+Inf') continue
    bounds.push(Number(le))
    cumulative.push(value)
  }
  const count = samples.get(`${name}_count{${labels}}`)
  if (count === undefined) throw new Error(`no histogram ${name}{${labels}} in the scrape`)
  return {
    bounds,
    cumulative,
    inf: samples.get(`${prefix}+Inf"}`),
    sum: samples.get(`${name}_sum{${labels}}`)!,
    count,
    /** Observations <= `bound`. */
    at: (bound: number) => cumulative[bounds.indexOf(bound)],
  }
}
