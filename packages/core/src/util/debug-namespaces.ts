/**
 * The `DEBUG` environment variable as the `debug` package reads it:
 * namespaces separated by commas or spaces, `*` as a wildcard, a leading `-`
 * to exclude (`DEBUG=sluice*,-sluice:housekeeping`). Returns whether a
 * namespace is on; read once, when a pool is created.
 */
export function debugNamespaces(setting: string | undefined): (namespace: string) => boolean {
  if (setting === undefined || setting.trim() === '') return () => false
  const include: RegExp[] = []
  const exclude: RegExp[] = []
  for (const part of setting.split(/[\s,]+/)) {
    if (part === '') continue
    if (part.startsWith('-')) exclude.push(pattern(part.slice(1)))
    else include.push(pattern(part))
  }
  return (namespace) => !exclude.some((re) => re.test(namespace)) && include.some((re) => re.test(namespace))
}

function pattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')
  return new RegExp(`^${escaped}$`)
}
