/**
 * A function a statement calls, named as the database resolves it: on
 * PostgreSQL an unquoted name is folded to lower case and a quoted one kept;
 * on MySQL/MariaDB and SQLite function names ignore case (lower-cased here).
 */
export interface FunctionCall {
  /** The schema (database, on MySQL) it is qualified with, if any. */
  readonly schema: string | undefined
  readonly name: string
  /** What the classifier knows without the database: a known built-in that only reads, one that does not, or neither. */
  readonly builtin: 'safe' | 'unsafe' | undefined
}

/** Whether a call may run on a replica: undefined when nobody knows yet. */
export type FunctionVerdict = 'safe' | 'unsafe' | undefined

/** Judges calls the classifier cannot (user allow/deny lists, the database's catalogue). */
export type FunctionJudge = (call: FunctionCall) => FunctionVerdict

/** `schema.name` or `name`: the key of allow lists and caches. */
export function functionKey(call: Pick<FunctionCall, 'schema' | 'name'>): string {
  return call.schema === undefined ? call.name : `${call.schema}.${call.name}`
}
