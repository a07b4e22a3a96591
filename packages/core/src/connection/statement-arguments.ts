import { ArgumentError } from '../errors/argument-error.js'
import { FETCH_MODES, type Params, type QueryOptions } from './pool-connection.js'

export type { Statement, StatementObject } from './pool-connection.js'

/** The SQL and parameters of `statement`, or an `ArgumentError` naming the argument at fault. */
export function readStatement(call: string, statement: unknown, params: unknown): { sql: string; params: Params | undefined } {
  if (typeof statement === 'string') return { sql: statement, params: checkParams(call, 'params', params) }
  if (statement !== null && typeof statement === 'object' && !Array.isArray(statement)) {
    const { text, sql, values } = statement as { text?: unknown; sql?: unknown; values?: unknown }
    const field = typeof text === 'string' ? 'text' : 'sql'
    const body = field === 'text' ? text : sql
    if (typeof body !== 'string') throw new ArgumentError(call, 'sql', 'must be a string or { text, values }, got an object without a text string')
    if (values !== undefined && params !== undefined) {
      throw new ArgumentError(call, 'params', `must be left out when sql is an object with values (pass the values once)`)
    }
    return { sql: body, params: checkParams(call, `sql.values`, values ?? params) }
  }
  throw new ArgumentError(call, 'sql', `must be a string or { text, values }, got ${describe(statement)}`)
}

/** Refuses a `fetch` mode `query()` does not know, before the statement runs. */
export function checkFetch(call: string, options: QueryOptions | undefined): void {
  if (options === undefined || options === null) return
  const fetch = (options as { fetch?: unknown }).fetch
  if (fetch !== undefined && !(FETCH_MODES as readonly unknown[]).includes(fetch)) {
    const shown = typeof fetch === 'string' ? JSON.stringify(fetch) : describe(fetch)
    throw new ArgumentError(call, 'options.fetch', `must be one of ${FETCH_MODES.join(', ')}, got ${shown}`)
  }
}

function checkParams(call: string, name: string, params: unknown): Params | undefined {
  if (params === undefined || params === null) return undefined
  if (!Array.isArray(params)) throw new ArgumentError(call, name, `must be an array of values bound to the placeholders, got ${describe(params)}`)
  return params
}

/** A value's kind for an error message: never the value itself, which may be a secret or a parameter. */
function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : typeof value
}
