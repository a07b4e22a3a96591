/**
 * A connection string with its secrets removed: the password, and any query
 * parameter whose name suggests a secret. Used for `Dialect.description`.
 */
export function describeUrl(connectionString: string): string {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    // never echo an unparseable string: it may be nothing but a secret
    return '<unparseable connection string>'
  }
  url.password = ''
  for (const key of [...url.searchParams.keys()]) {
    if (/pass|secret|token|key|cert/i.test(key)) url.searchParams.set(key, 'redacted')
  }
  return url.toString()
}

/** `scheme://user@host:port/database` from parts, never with a password. */
export function describeParts(scheme: string, parts: { user?: string | undefined; host?: string | undefined; port?: number | undefined; database?: string | undefined }): string {
  const user = parts.user ? `${encodeURIComponent(parts.user)}@` : ''
  const port = parts.port === undefined ? '' : `:${parts.port}`
  return `${scheme}://${user}${parts.host ?? 'localhost'}${port}/${parts.database ?? ''}`
}
