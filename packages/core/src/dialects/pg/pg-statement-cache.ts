import { randomBytes } from 'node:crypto'
import type { RunOptions, StatementCacheStats } from '../../dialect.js'
import { changesSchema } from '../../sql/schema-change.js'
import { LruCache } from '../../statements/lru-cache.js'
import { PlanRegressionGuard } from '../../statements/plan-regression.js'
import { wantsCache, type ResolvedStatementCacheConfig } from '../../statements/prepare-policy.js'
import { SchemaEpoch } from '../../statements/schema-epoch.js'
import { systemClock } from '../../util/clock.js'
import type { PgClient, PgQueryConfig, PgResult } from './pg-driver-types.js'
import { query, queryThen, type PgAnswer } from './pg-query.js'
import type { PgPoolerMode } from './pg-pooler.js'

/** What the statement cache needs of the resolved dialect config. @internal */
export interface PgStatementCacheConfig extends ResolvedStatementCacheConfig {
  readonly pooler: PgPoolerMode
}

/** Where a connection's statements run: on the backend it connected to, or wherever a pooler sends them. */
type Route = 'direct' | 'pooled' | 'unknown'

/** A statement prepared on one connection. */
interface Prepared {
  readonly name: string
  /** How often it ran on this connection: PostgreSQL may switch it to a generic plan from the 6th on. */
  executions: number
}

/** The statement cache of one connection. */
interface Session {
  /** SQL text → the statement prepared for it. */
  readonly cache: LruCache<string, Prepared>
  /** Names dropped from the cache that the server may still hold; deallocated when no transaction is open. */
  readonly stale: string[]
  /** Unset until the connection has been probed (`pooler: 'auto'`). */
  route: Route | undefined
  probing: Promise<Route | undefined> | undefined
  /** The schema epoch the cached statements were prepared in. */
  epoch: number
}

/** A pg client as far as the pooler probe reads it: the pid from BackendKeyData. */
type ProbedClient = PgClient & { readonly processID?: number | null }

// a per-process token keeps our names apart from other processes' behind a
// shared pooler, where a same-named statement would silently run other SQL
const NAME_PREFIX = `sluice_${randomBytes(4).toString('hex')}_`
let nameCount = 0

/** feature_not_supported, raised as "cached plan must not change result type". */
const PLAN_CHANGED = '0A000'
/** invalid_sql_statement_name: "prepared statement ... does not exist". */
const NO_SUCH_STATEMENT = '26000'
/** duplicate_prepared_statement: "prepared statement ... already exists". */
const DUPLICATE_STATEMENT = '42P05'
/** internal_error, raised as "cache lookup failed for type N" by a statement whose parameter or result type was dropped. */
const INTERNAL_ERROR = 'XX000'
// standard_conforming_strings: a backslash in '...' is an ordinary character
const PG_TOKENS = { backslashEscapes: false } as const

/**
 * The PostgreSQL dialect's per-connection cache of named prepared statements.
 *
 * A cached statement runs as `client.query({ name, text, values })`: pg parses
 * it once per connection and afterwards sends only Bind/Execute. Each
 * connection keeps at most `statementCacheSize` names; the least recently
 * used one is deallocated (`DEALLOCATE`) before a new one is parsed, and
 * dropped from pg's own `parsedStatements`, so that pg parses it again should
 * the name ever come back.
 *
 * DDL that goes through the dialect (CREATE, ALTER, DROP, DO; see
 * `sql/schema-change.ts`) moves the pool-wide schema epoch; every connection
 * then deallocates the statements it prepared before and prepares them again
 * at their next use. A statement keeps the parameter types PostgreSQL
 * inferred at its Parse: without this, an `INSERT` prepared while a column was
 * `timestamp` would drop the offset of a value bound after the column became
 * `timestamptz`.
 *
 * A statement that runs much slower named than it did on its first
 * executions (PostgreSQL switched it to a generic plan that is worse) is
 * demoted to unnamed for the whole dialect (`statements/plan-regression.ts`).
 *
 * Recoveries, each retried once and only outside a transaction block (inside
 * one the failed statement has already aborted it). Each error comes before
 * the statement runs, and a failed autocommit statement leaves nothing
 * behind, so the retry cannot write twice:
 * - "cached plan must not change result type" (a `SELECT *` over a table whose
 *   columns changed): deallocate, prepare afresh.
 * - "cache lookup failed for type" (XX000: a type the statement was prepared
 *   with, such as an enum, was dropped and created again by another
 *   process): deallocate, prepare afresh.
 * - "prepared statement ... does not exist" for a name believed prepared: on a
 *   connection known to be direct, someone ran DEALLOCATE or DISCARD: prepare
 *   afresh; otherwise a transaction pooler moved us to another backend: named
 *   statements go off for the whole dialect.
 *
 * @internal
 */
export class PgStatementCache {
  readonly #config: PgStatementCacheConfig
  readonly #description: string
  readonly #sessions = new WeakMap<PgClient, Session>()
  readonly #epoch = new SchemaEpoch<PgClient>()
  readonly #planGuard = new PlanRegressionGuard(systemClock)
  #named: boolean

  constructor(config: PgStatementCacheConfig, description: string) {
    this.#config = config
    this.#description = description
    this.#named = config.statementCacheSize > 0 && config.pooler !== 'transaction'
  }

  /** False when statements run unnamed: cache off, `pooler: 'transaction'`, or a transaction pooler detected. */
  get named(): boolean {
    return this.#named
  }

  /**
   * Whether a statement runs from the cache (named); when not, the dialect
   * runs it unnamed itself and only tells `observe()`.
   */
  caches(sql: string, params: readonly unknown[] | undefined, options: RunOptions): boolean {
    return this.#named && wantsCache(this.#config.prepare, params, options) && !this.#planGuard.isDemoted(sql)
  }

  /**
   * Runs `config` named, from the cache, for a statement `caches()` accepted;
   * a failure settles after its ReadyForQuery (`query`). The caller tells
   * `observe()` once it is over.
   */
  runCached(client: PgClient, config: PgQueryConfig): Promise<PgResult | PgResult[]> {
    const session = this.#sessions.get(client)
    if (session?.route === undefined) return this.#runFirst(client, config)
    return this.#named ? this.#runNamed(client, session, config, false) : query(client, config)
  }

  /**
   * The common case of `runCached()` in `answer`'s one promise (`queryThen`):
   * a statement prepared before on a probed connection, nothing stale to
   * deallocate, the plan guard done timing it. Undefined, having done
   * nothing, for anything else (the caller then takes `runCached()`). A
   * failure takes the cache's recoveries, as on `runCached()`.
   */
  runPreparedThen<T>(client: PgClient, config: PgQueryConfig, answer: PgAnswer<T>): Promise<T> | undefined {
    const session = this.#sessions.get(client)
    if (session?.route === undefined || !this.#named || session.epoch !== this.#epoch.value || session.stale.length > 0) return undefined
    const sql = config.text
    // peeked first: a miss goes to runCached(), which counts it
    if (session.cache.peek(sql) === undefined || !this.#planGuard.settled(sql)) return undefined
    const prepared = session.cache.get(sql)!
    prepared.executions++
    const { name } = prepared
    return queryThen(client, sql, config.values, { ...config, name }, new PreparedAnswer(answer, (error) => this.#recover(client, session, { config, name, hit: true, retried: false }, error)))
  }

  /**
   * Called after every statement that ran on `client`, through the cache or
   * not (batches, pipelined statements): DDL moves the schema epoch.
   */
  observe(client: PgClient, sql: string): void {
    this.#epoch.observe(client, changesSchema(sql, PG_TOKENS), transactionStatus(client) !== 'I')
  }

  stats(client: PgClient): StatementCacheStats {
    const capacity = this.#named ? this.#config.statementCacheSize : 0
    const stats = this.#sessions.get(client)?.cache.stats()
    if (stats === undefined) return { size: 0, capacity, hits: 0, misses: 0, evictions: 0 }
    // after a switch to unnamed statements the cache is no longer used
    return this.#named ? stats : { ...stats, size: 0, capacity }
  }

  /** The server forgot every prepared statement (`DISCARD ALL`): so does the cache. */
  forget(client: PgClient): void {
    const session = this.#sessions.get(client)
    this.#epoch.transactionEnded(client)
    if (session === undefined) return
    session.cache.clear()
    session.stale.length = 0
  }

  /** Deallocates statements evicted during a transaction, now that it is over. */
  async settle(client: PgClient): Promise<void> {
    this.#epoch.transactionEnded(client)
    const session = this.#sessions.get(client)
    if (session !== undefined && session.stale.length > 0) await this.#deallocateStale(client, session)
  }

  /** The first cached statement on `client`: sets up its session and, with `pooler: 'auto'`, probes the route. */
  async #runFirst(client: PgClient, config: PgQueryConfig): Promise<PgResult | PgResult[]> {
    const session = await this.#session(client)
    if (session === undefined || !this.#named) return query(client, config)
    return this.#runNamed(client, session, config, false)
  }

  async #session(client: PgClient): Promise<Session | undefined> {
    // without pg's record of parsed names (native client, look-alikes) the cache could not keep it right
    if (client.connection?.parsedStatements === undefined) return undefined
    let session = this.#sessions.get(client)
    if (session === undefined) {
      const stale: string[] = []
      const cache = new LruCache<string, Prepared>(this.#config.statementCacheSize, (_sql, prepared) => stale.push(prepared.name))
      session = { cache, stale, route: this.#config.pooler === 'none' ? 'direct' : undefined, probing: undefined, epoch: this.#epoch.value }
      this.#sessions.set(client, session)
    }
    if (session.route === undefined) {
      const current = session
      current.probing ??= this.#probe(client).finally(() => (current.probing = undefined))
      const route = await current.probing
      current.route ??= route
      if (route === 'pooled') this.#useUnnamed('the server reports another backend pid than the one connected to (a transaction pooler)')
    }
    // an unprobed route (aborted transaction, failed probe) runs this statement unnamed and probes again next time
    return session.route === undefined ? undefined : session
  }

  /** Compares the backend pid the server reports with the one from BackendKeyData, which a pooler invents. */
  async #probe(client: ProbedClient): Promise<Route | undefined> {
    const pid = client.processID
    if (typeof pid !== 'number') return 'unknown'
    // an aborted transaction refuses every statement until it ends
    if (transactionStatus(client) === 'E') return undefined
    try {
      const output = await query(client, { text: 'SELECT pg_backend_pid() AS pid' })
      const row = (Array.isArray(output) ? output[0] : output)?.rows[0] as { pid?: unknown } | undefined
      return Number(row?.pid) === pid ? 'direct' : 'pooled'
    } catch {
      // the statement itself will meet whatever failed here
      return undefined
    }
  }

  async #runNamed(client: PgClient, session: Session, config: PgQueryConfig, retried: boolean): Promise<PgResult | PgResult[]> {
    const sql = config.text
    if (session.epoch !== this.#epoch.value) expire(session, this.#epoch.value)
    let prepared = session.cache.get(sql)
    const hit = prepared !== undefined
    if (prepared === undefined) {
      prepared = { name: `${NAME_PREFIX}${++nameCount}`, executions: 0 }
      // may evict: the evicted name goes to `stale`
      session.cache.set(sql, prepared)
    }
    const { name } = prepared
    // deallocate before parsing anew, so that the server never holds more than the capacity
    if (session.stale.length > 0) {
      await this.#deallocateStale(client, session)
      // pipelined statements on the same connection may have evicted (and closed) it meanwhile: a Parse now would leak the name
      if (session.cache.peek(sql) !== prepared) return query(client, config)
    }
    if (!this.#named) {
      // a failed DEALLOCATE gave a transaction pooler away
      session.cache.delete(sql)
      return query(client, config)
    }
    try {
      const execution = ++prepared.executions
      return await this.#planGuard.time(sql, execution, () => query(client, { ...config, name }))
    } catch (error) {
      return this.#recover(client, session, { config, name, hit, retried }, error) ?? Promise.reject(error)
    }
  }

  /** The retry of a statement whose name or plan went away (see the class comment); undefined when the failure is final. */
  #recover(client: PgClient, session: Session, attempt: Attempt, error: unknown): Promise<PgResult | PgResult[]> | undefined {
    const { config, name, hit, retried } = attempt
    const parsed = client.connection?.parsedStatements
    const code = (error as { code?: unknown } | null)?.code
    const planChanged = hit && ((code === PLAN_CHANGED && isPlanChange(error)) || (code === INTERNAL_ERROR && isTypeGone(error)))
    const lost = (hit && code === NO_SUCH_STATEMENT) || (!hit && code === DUPLICATE_STATEMENT)
    const cached = session.cache.peek(config.text)?.name === name
    if (!planChanged && !lost) {
      // pg records a name once the server parsed it; a failed Parse leaves nothing to cache
      if (cached && parsed?.[name] === undefined) session.cache.delete(config.text)
      return undefined
    }
    if (cached) session.cache.delete(config.text)
    // pg must never skip the Parse of a name the server does not hold
    if (parsed !== undefined) delete parsed[name]
    // the server still holds the statement with its old plan
    if (planChanged) session.stale.push(name)
    else if (session.route !== 'direct') this.#useUnnamed(`prepared statement ${name} was not found on the backend that ran it (a transaction pooler)`)
    // inside a transaction block the failure aborted the transaction: nothing can be retried there
    if (retried || transactionStatus(client) !== 'I') return undefined
    return this.#named ? this.#runNamed(client, session, config, true) : query(client, config)
  }

  async #deallocateStale(client: PgClient, session: Session): Promise<void> {
    // after DDL a connection may hold many: one round trip for all, one by one only if one of them is gone
    if (session.stale.length > 1 && transactionStatus(client) === 'I' && session.route === 'direct') {
      const names = session.stale.splice(0)
      const parsed = client.connection?.parsedStatements
      if (parsed !== undefined) for (const name of names) delete parsed[name]
      try {
        await query(client, { text: names.map((name) => `DEALLOCATE ${name}`).join('; ') })
        return
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== NO_SUCH_STATEMENT) throw error
        // the statements before the failing one are gone; DEALLOCATE of those again fails harmlessly
        session.stale.push(...names)
      }
    }
    // a DEALLOCATE that fails (name unknown there) would abort an open transaction: wait for its end
    while (session.stale.length > 0 && transactionStatus(client) === 'I') {
      const name = session.stale.shift() as string
      const parsed = client.connection?.parsedStatements
      if (parsed !== undefined) delete parsed[name]
      try {
        await query(client, { text: `DEALLOCATE ${name}` })
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== NO_SUCH_STATEMENT) throw error
        // gone already: harmless on a direct connection; elsewhere the pooler sent DEALLOCATE to another backend
        if (session.route !== 'direct') this.#useUnnamed(`DEALLOCATE ${name} did not find the statement (a transaction pooler)`)
      }
    }
  }

  // ---- implicit pipelining: the same names, written by pg-pipelined-statement.ts ----

  /**
   * Sets up `client`'s session (probing the route with `pooler: 'auto'`)
   * when a pipelined statement could be named and that has not happened
   * yet; `undefined` when there is nothing to wait for.
   */
  preparePipelining(client: PgClient, params: readonly unknown[] | undefined, options: RunOptions): Promise<unknown> | undefined {
    if (!this.#named || !wantsCache(this.#config.prepare, params, options) || this.#sessions.get(client)?.route !== undefined) return undefined
    return this.#session(client)
  }

  /**
   * How a pipelined `sql` goes out on `client`: under its cached name (Parse
   * only the first time), or unnamed, with the same rules as `run()`. The
   * names evicted or expired since the last statement come along to be
   * closed first (a Close of a name the server does not hold is no error).
   * A name whose Parse is still in flight is not used again before its
   * ParseComplete: should that Parse fail, the statements behind it would
   * meet "does not exist" instead of its own error.
   */
  pipelineName(client: PgClient, sql: string, params: readonly unknown[] | undefined, options: RunOptions): PipelinedName {
    const session = this.#sessions.get(client)
    const parsed = client.connection?.parsedStatements
    const submitted = client.connection?.submittedNamedStatements
    if (!this.#named || session?.route === undefined || parsed === undefined || submitted === undefined) return UNNAMED
    if (session.epoch !== this.#epoch.value) expire(session, this.#epoch.value)
    let name = ''
    let parse = true
    if (wantsCache(this.#config.prepare, params, options) && !this.#planGuard.isDemoted(sql)) {
      let prepared = session.cache.get(sql)
      if (prepared === undefined) {
        prepared = { name: `${NAME_PREFIX}${++nameCount}`, executions: 0 }
        // may evict: the evicted name goes to `stale`, closed below
        session.cache.set(sql, prepared)
      }
      if (parsed[prepared.name] !== undefined) parse = false
      if (!parse || submitted[prepared.name] === undefined) {
        name = prepared.name
        prepared.executions++
        // pg's own record of a Parse on the wire, cleared at its ParseComplete (or by pipelineFailed)
        if (parse) submitted[name] = sql
      }
    }
    const close = session.stale.splice(0)
    for (const stale of close) {
      delete parsed[stale]
      delete submitted[stale]
    }
    return name === '' && close.length === 0 ? UNNAMED : { name, parse, close }
  }

  /**
   * A pipelined statement sent as `sent` failed with `error`: the cache
   * recovers as `run()` does and answers whether to send it once more (it
   * failed before it ran, and a pipelined statement is always autocommit,
   * so the retry cannot write twice).
   */
  pipelineFailed(client: PgClient, sql: string, sent: PipelinedName, error: unknown): boolean {
    const { name } = sent
    const session = this.#sessions.get(client)
    if (name === '' || session === undefined) return false
    const parsed = client.connection?.parsedStatements
    const submitted = client.connection?.submittedNamedStatements
    if (submitted !== undefined && submitted[name] === sql) delete submitted[name]
    const hit = !sent.parse
    const code = (error as { code?: unknown } | null)?.code
    const planChanged = hit && ((code === PLAN_CHANGED && isPlanChange(error)) || (code === INTERNAL_ERROR && isTypeGone(error)))
    const lost = (hit && code === NO_SUCH_STATEMENT) || (!hit && code === DUPLICATE_STATEMENT)
    const cached = session.cache.peek(sql)?.name === name
    if (!planChanged && !lost) {
      // a failed Parse leaves nothing to cache
      if (cached && parsed?.[name] === undefined) session.cache.delete(sql)
      return false
    }
    if (cached) session.cache.delete(sql)
    if (parsed !== undefined) delete parsed[name]
    // the server still holds the statement with its old plan
    if (planChanged) session.stale.push(name)
    else if (session.route !== 'direct') this.#useUnnamed(`prepared statement ${name} was not found on the backend that ran it (a transaction pooler)`)
    return true
  }

  #useUnnamed(reason: string): void {
    if (!this.#named) return
    this.#named = false
    process.emitWarning(
      `Sluice: ${this.#description}: ${reason}; named prepared statements are off for this dialect from now on. ` +
        "Set the dialect option pooler: 'transaction' to say so up front.",
      { code: 'SLUICE_PG_TRANSACTION_POOLER' },
    )
  }
}

/**
 * How one pipelined statement goes out: `name` (`''`: unnamed), whether it
 * needs its Parse, and the stale names to close before it. @internal
 */
export interface PipelinedName {
  readonly name: string
  readonly parse: boolean
  readonly close: readonly string[]
}

const UNNAMED: PipelinedName = { name: '', parse: true, close: [] }

/** `answer`, with the cache's recovery of a prepared statement's failure in front of its end. */
class PreparedAnswer<T> implements PgAnswer<T> {
  readonly #answer: PgAnswer<T>
  readonly #recover: (error: unknown) => Promise<PgResult | PgResult[]> | undefined

  constructor(answer: PgAnswer<T>, recover: (error: unknown) => Promise<PgResult | PgResult[]> | undefined) {
    this.#answer = answer
    this.#recover = recover
  }

  succeeded(output: PgResult | PgResult[]): T {
    return this.#answer.succeeded(output)
  }

  failed(error: unknown): void {
    this.#answer.failed(error)
  }

  recover(error: unknown): Promise<T> | undefined {
    // the retry answers for the statement, its failure included
    return this.#recover(error)?.then(
      (output) => this.#answer.succeeded(output),
      (retryError: unknown) => {
        this.#answer.failed(retryError)
        throw retryError
      },
    )
  }
}

interface Attempt {
  readonly config: PgQueryConfig
  readonly name: string
  readonly hit: boolean
  readonly retried: boolean
}

/** The server's source function names the error whatever the language of its message. */
function isPlanChange(error: unknown): boolean {
  const { routine, message } = error as { routine?: unknown; message?: unknown }
  return routine === 'RevalidateCachedQuery' || (typeof message === 'string' && message.includes('cached plan must not change result type'))
}

/** "cache lookup failed for type N": the server's text, which is not translated (an internal error). */
function isTypeGone(error: unknown): boolean {
  const { message } = error as { message?: unknown }
  return typeof message === 'string' && message.startsWith('cache lookup failed for type')
}

/** Moves every statement prepared in an older schema epoch to `stale`, so that each is prepared again at its next use. */
function expire(session: Session, epoch: number): void {
  for (const [, prepared] of session.cache.entries()) session.stale.push(prepared.name)
  session.cache.clear()
  session.epoch = epoch
}

function transactionStatus(client: PgClient): string | null {
  return client.getTransactionStatus?.() ?? null
}
