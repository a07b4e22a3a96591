/**
 * What a log line's details may carry. An error becomes its name, code and
 * message: a driver error's other fields (pg's `detail`, `where`, a
 * statement's `parameters`) can echo the values bound to a statement, which
 * never reach a log.
 */
export function safeDetails(details: Record<string, unknown> | undefined, node: string): Record<string, unknown> {
  const safe: Record<string, unknown> = { node }
  if (details === undefined) return safe
  for (const [key, value] of Object.entries(details)) safe[key] = value instanceof Error ? describeError(value) : value
  return safe
}

export interface LoggedError {
  readonly name: string
  readonly message: string
  readonly code?: string
}

function describeError(error: Error): LoggedError {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' || typeof code === 'number' ? { name: error.name, message: error.message, code: String(code) } : { name: error.name, message: error.message }
}
