import { PoolTimeoutError } from '@sluice/core'
import type { Knex } from 'knex'
import { knexAcquireError } from './acquire-error.js'
import { KnexRunnerClass, type KnexQueryObject, type KnexRunner } from './knex-internals.js'

/** Borrows the statement-level connection a runner's statements run on. */
export type AcquireStatementConnection = () => Promise<unknown>

/**
 * The client as one runner sees it: the client itself, except that its
 * `acquireConnection()` borrows a statement-level connection. Only Knex's
 * runner gets this view: `knex.client.acquireConnection()` called by an app
 * or by `knex.transaction()` still holds a pooled connection until it is
 * released, as Knex promises (apps hold one to keep the pool busy, or to run
 * several statements on one session).
 */
const views = new WeakMap<Knex.Client, Knex.Client>()

function statementView(client: Knex.Client, acquire: AcquireStatementConnection): Knex.Client {
  let view = views.get(client)
  if (view === undefined) {
    view = Object.create(client, { acquireConnection: { value: acquire } }) as Knex.Client
    views.set(client, view)
  }
  return view
}

/**
 * Knex's runner for one builder, on a statement-level connection: the pool
 * is borrowed from when the statement runs rather than when the runner
 * acquires, so a borrow that times out fails the statement. That failure is
 * given back as the acquire timeout it is, exactly as stock Knex raises it
 * from the acquire: `KnexTimeoutError` with Knex's message, the builder's
 * SQL and bindings, and the pool's error as `cause` (Knex's runner would
 * otherwise take a `KnexTimeoutError` out of a query for a query timeout).
 */
class StatementRunner extends KnexRunnerClass {
  override async query(obj: KnexQueryObject): Promise<unknown> {
    try {
      return await super.query(obj)
    } catch (error) {
      if (!(error instanceof PoolTimeoutError)) throw error
      const timeout = knexAcquireError(error, this.client.logger) as Error & { sql?: unknown; bindings?: unknown }
      timeout.sql = this.builder.sql
      timeout.bindings = this.builder.bindings
      throw timeout
    }
  }
}

/** A runner whose statements borrow statement-level connections from `acquire`. */
export function statementRunner(client: Knex.Client, builder: unknown, acquire: AcquireStatementConnection): KnexRunner {
  return new StatementRunner(statementView(client, acquire), builder)
}
