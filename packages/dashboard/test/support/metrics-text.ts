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
