import type { Lease } from '../connection/lease.js'
import type { ExecuteOptions, Params } from '../connection/pool-connection.js'
import type { Dialect, QueryResult, StatementKind } from '../dialect.js'
import { RoutedConnection } from './routed-connection.js'

/** What a statement-level connection needs of the primary's pool (a `ConnectionPool`). */
export interface StatementConnectionHost {
  readonly dialect: Dialect<any>
  /** Runs one statement as `pool.execute()` does: on a connection borrowed for it alone, or pipelined. */
  execute<R>(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, classified: StatementKind): Promise<QueryResult<R>>
  acquireLease(workflowId?: string): Promise<Lease>
}

/** Distinct statement texts whose kind is remembered; past it the memory starts again (ORMs send a few hundred shapes). */
const REMEMBERED_KINDS = 2048

/**
 * `acquire({ target: 'statement' })` on a pool without replicas: the handle
 * of `RoutedConnection`, whose reads each run as `pool.execute()` runs them
 * (implicit pipelining, no lease held between statements) until the first
 * statement that is not a read pins a primary connection for the rest of the
 * borrow. For ORMs that borrow "a connection" per statement (Knex), so that
 * their autocommit reads get what `pool.execute()` gets; a transaction,
 * `SET`, a temporary table, a lock or any write runs on one session, as on
 * a lease.
 *
 * Without replicas nothing asks the database about functions: a read is what
 * the dialect's classifier calls a read (a call it does not know as a safe
 * built-in makes the statement `unknown`, which pins).
 */
export function statementConnection(host: StatementConnectionHost, kinds: StatementKinds, workflowId: string | undefined): RoutedConnection {
  return new RoutedConnection({
    execute: (sql, params, options, kind) => host.execute(sql, params, options, kind),
    acquirePrimary: () => host.acquireLease(workflowId),
    classify: (sql, hint) => hint ?? kinds.of(sql),
  })
}

/**
 * The dialect classifier's answers by statement text, so an ORM's statement
 * is tokenized once rather than on every run. The answer depends on the text
 * alone (no function is judged against the database here), so remembering it
 * changes nothing.
 */
export class StatementKinds {
  readonly #dialect: Dialect<any>
  readonly #known = new Map<string, StatementKind>()

  constructor(dialect: Dialect<any>) {
    this.#dialect = dialect
  }

  of(sql: string): StatementKind {
    let kind = this.#known.get(sql)
    if (kind !== undefined) return kind
    kind = this.#dialect.classify?.(sql) ?? 'unknown'
    if (this.#known.size >= REMEMBERED_KINDS) this.#known.clear()
    this.#known.set(sql, kind)
    return kind
  }
}
