import type { ResolvedImplicitPipelining } from '../config/implicit-pipelining-config.js'
import type { Lease } from '../connection/lease.js'
import type { ExecuteOptions, Params } from '../connection/pool-connection.js'
import { runStatement } from '../connection/run-statement.js'
import { QueryTimeoutError } from '../errors/query-timeout-error.js'
import type { Dialect, QueryResult, RunOptions, StatementKind } from '../dialect.js'
import { hasSecondStatement } from '../sql/classify-statement.js'
import { tokenize } from '../sql/tokenize.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { PipelineHost } from './pipeline-host.js'

/** What the pipeliner needs beyond a pipeline's host: how busy the pool is. */
export interface ImplicitPipelinerHost extends PipelineHost {
  /** Connections lent or held plus acquires waiting (`pool.load()`). */
  load(): number
  /** Acquires waiting in the pool's queue. */
  waiting(): number
  /** Idle connections, ready to lend. */
  idle(): number
  closed(): boolean
}

/** One borrowed connection running pipelined autocommit statements; joinable while its acquire still waits. */
class Pipe {
  /** Set once the pool lent the connection. */
  lease: Lease | undefined
  readonly ready: Promise<Lease>
  readonly openedAt: number
  inFlight = 0
  accepting = true

  constructor(ready: Promise<Lease>, openedAt: number) {
    this.ready = ready
    this.openedAt = openedAt
  }
}

/**
 * Implicit pipelining for `pool.query()` / `pool.execute()`.
 *
 * While the pool is saturated (no idle connection and no room to open one),
 * an eligible statement joins the least busy connection the pipeliner
 * borrowed through the pool's own `acquire()` (a "pipe") instead of queueing
 * for a connection, up to `maxDepth` in flight per pipe. A statement that
 * finds no idle connection and no pipe to join opens a pipe (a connection
 * being opened or waited for, which later statements may join). While an
 * idle connection is there, the pipeliner stays out of the way: the
 * ordinary path lends it at once, for less than a pipe costs. Only the pipeliner's own connections are ever joined:
 * never one lent to a caller, and never one in a transaction, since only
 * autocommit statements (no BEGIN/COMMIT/ROLLBACK, a single statement) run
 * on pipes. A pipe goes back to the pool when its last statement settles; it
 * stops taking statements after `maxHoldMillis`, after a fatal error or a
 * timeout, and while other callers wait for a connection, so that it drains.
 *
 * A statement sent on a pipe with nothing else in flight runs as on the
 * ordinary path (`run`): a timeout still cancels it on the server. Only the
 * statements that join a busy pipe are pipelined; a long statement can hold
 * up those that joined behind it (head-of-line blocking), which is why
 * nothing joins before every connection is busy: they would otherwise have
 * waited in the pool's queue. Should the first statement time out once
 * others are behind it, its connection is closed rather than cancelled (the
 * cancel could stop one of theirs).
 *
 * @internal
 */
export class ImplicitPipeliner {
  readonly #host: ImplicitPipelinerHost
  readonly #options: ResolvedImplicitPipelining
  readonly #pipes = new Set<Pipe>()
  /** Acquires this pipeliner has waiting in the pool's queue. */
  #acquiring = 0

  private constructor(host: ImplicitPipelinerHost, options: ResolvedImplicitPipelining) {
    this.#host = host
    this.#options = options
  }

  /** A pipeliner for `option`, or `undefined` when it is off or the dialect cannot pipeline. */
  static create(host: ImplicitPipelinerHost, options: ResolvedImplicitPipelining | undefined): ImplicitPipeliner | undefined {
    if (options === undefined) return undefined
    const dialect: Dialect<any> = host.dialect
    if (typeof dialect.runPipelined !== 'function') {
      // left unset, the option means "where the dialect can": nothing to warn about
      if (options.explicit) host.log('warn', `implicitPipelining has no effect: the ${dialect.kind} dialect cannot pipeline statements`, undefined, 'pipeline')
      return undefined
    }
    return new ImplicitPipeliner(host, options)
  }

  /**
   * Runs `sql` pipelined, or returns `undefined` when it must take the
   * ordinary path. `classified` is the classifier's word on it, when the
   * router already asked.
   */
  run(sql: string, params: Params | undefined, options: ExecuteOptions | undefined, classified?: StatementKind): Promise<QueryResult> | undefined {
    // an idle connection is lent at once on the ordinary path, which costs less than a pipe
    if (this.#host.idle() > 0 || this.#host.closed() || !eligible(sql, options, classified)) return undefined
    const runOptions: RunOptions = options?.rowMode === undefined && options?.prepare === undefined ? {} : { rowMode: options.rowMode, prepare: options.prepare }
    const timeoutMillis = options?.timeoutMillis ?? this.#host.queryTimeoutMillis
    const joined = this.#saturated() ? this.#pickPipe() : undefined
    if (joined === undefined) return this.#send(this.#openPipe(), sql, params, runOptions, timeoutMillis)
    const sent = this.#send(joined, sql, params, runOptions, timeoutMillis)
    // a read that joined a connection which then died would have waited for another connection without
    // pipelining: it runs again there (a read has no effect to repeat; writes keep the connection's error)
    return sent.catch((error: unknown) => {
      if (!this.#lostConnection(error) || (classified ?? this.#host.dialect.classify?.(sql)) !== 'read') throw error
      return this.#rerun(sql, params, runOptions, timeoutMillis)
    })
  }

  /** The connection failed under the statement (not the statement itself, nor a timeout). */
  #lostConnection(error: unknown): boolean {
    return !(error instanceof QueryTimeoutError) && this.#host.dialect.isFatal(error)
  }

  async #rerun(sql: string, params: Params | undefined, options: RunOptions, timeoutMillis: number): Promise<QueryResult> {
    const lease = await this.#host.acquire()
    try {
      return await runStatement(this.#host, lease.entry, 'run', sql, params, options, timeoutMillis)
    } finally {
      lease.release()
    }
  }

  /** No idle connection, no room to open one, and nobody else waiting for one. */
  #saturated(): boolean {
    const host = this.#host
    return host.load() >= host.maxConnections && host.waiting() <= this.#acquiring
  }

  #pickPipe(): Pipe | undefined {
    const now = this.#host.clock.now()
    let best: Pipe | undefined
    for (const pipe of this.#pipes) {
      if (!pipe.accepting) continue
      const entry = pipe.lease?.entry
      // busy: a timed-out statement is being cancelled there, and nothing may run behind it meanwhile
      if (entry?.brokenBy !== undefined || entry?.busy === true || now >= (entry?.expiresAt ?? Infinity) || now - pipe.openedAt >= this.#options.maxHoldMillis) {
        pipe.accepting = false
        continue
      }
      if (pipe.inFlight < this.#options.maxDepth && (best === undefined || pipe.inFlight < best.inFlight)) best = pipe
    }
    // statements still waiting for a connection spread over up to as many pipes as the pool has connections,
    // half a pipe's depth each: as connections come free each takes a share, where one pipe would take them
    // all and a slow statement would hold up every one behind it while the other connections stood idle
    if (best !== undefined && best.lease === undefined && best.inFlight * 2 >= this.#options.maxDepth && this.#pipes.size < this.#host.maxConnections) return undefined
    return best
  }

  /** A pipe for a connection being acquired: statements may join it before the pool lends it. */
  #openPipe(): Pipe {
    this.#acquiring++
    const pipe = new Pipe(
      this.#host.acquire().finally(() => this.#acquiring--),
      this.#host.clock.now(),
    )
    pipe.ready.then(
      (lease) => (pipe.lease = lease),
      () => {
        // every statement that joined it fails with the acquire's error (timeout, pool closed)
        pipe.accepting = false
        this.#pipes.delete(pipe)
      },
    )
    this.#pipes.add(pipe)
    return pipe
  }

  async #send(pipe: Pipe, sql: string, params: Params | undefined, options: RunOptions, timeoutMillis: number): Promise<QueryResult> {
    // alone on its connection: the ordinary path, cancellable while nobody joined behind it
    const mode = pipe.inFlight === 0 ? 'run' : 'pipelined'
    pipe.inFlight++
    try {
      const entry = (pipe.lease ?? (await pipe.ready)).entry
      try {
        return await runStatement(this.#host, entry, mode, sql, params, options, timeoutMillis, () => pipe.inFlight === 1)
      } catch (error) {
        // a timed-out statement may still run and holds up those behind it: drain, then close (or reuse once cancelled) the connection
        if (entry.brokenBy !== undefined || entry.busy) pipe.accepting = false
        throw error
      }
    } finally {
      if (--pipe.inFlight === 0) this.#closePipe(pipe)
    }
  }

  #closePipe(pipe: Pipe): void {
    this.#pipes.delete(pipe)
    // the pool closes it if it was marked broken, and resets it if a transaction were somehow open
    if (pipe.lease !== undefined && !pipe.lease.released) pipe.lease.release()
  }
}

/** Autocommit and a single statement (`prepare` is honoured on the pipelined path: the dialect names it from its cache). */
function eligible(sql: string, options: ExecuteOptions | undefined, classified: StatementKind | undefined): boolean {
  if (typeof sql !== 'string') return false
  if (transactionEffect(sql) !== 'none') return false
  // the classifier calls a statement read or write only when it is one complete statement
  if (classified === 'read' || classified === 'write' || sql.indexOf(';') === -1) return true
  const tokens = tokenize(sql, 'postgres')
  return !tokens.some((token) => token.kind === 'unterminated') && !hasSecondStatement(tokens)
}
