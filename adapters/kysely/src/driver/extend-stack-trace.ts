/**
 * Appends the stack of `here` to the error's own stack (as Kysely's stock
 * drivers do), so a driver error thrown on a socket callback still shows the
 * application code that ran the query. The error itself is not wrapped: it
 * stays an instance of the driver's class.
 *
 * @internal
 */
export function extendStackTrace(error: unknown, here: Error): unknown {
  if (typeof error !== 'object' || error === null) return error
  const holder = error as { stack?: unknown }
  if (typeof holder.stack === 'string' && here.stack !== undefined) {
    // the first line of `here` only says "Error"
    holder.stack += `\n${here.stack.split('\n').slice(1).join('\n')}`
  }
  return error
}
