import type { ResolvedRoutingConfig } from '../config/routing-config.js'
import type { Lease, StatementObserver, WriteMark } from '../connection/lease.js'
import type { Dialect, StatementKind } from '../dialect.js'
import { transactionEffect } from '../sql/transaction-effect.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'
import { currentConsistencyScope, type ConsistencyScope } from './consistency-scope.js'

/** What the tracker needs of the router. */
export interface ScopeWriteTrackerHost {
  readonly dialect: Dialect<any>
  readonly config: ResolvedRoutingConfig
  readonly clock: Clock
  readonly log: Logger
  /** The caller's hint, else the classifier's word. */
  kindOf(sql: string, hint: StatementKind | undefined): StatementKind
}

/**
 * Read-your-writes on every path that borrows a primary connection: it sees
 * each statement run on a primary lease (`pool.query()`'s writes in a scope,
 * `pool.transaction()`, `acquire()` handles, an `auto` handle's pinned
 * connection, and so the ORM adapters), and a statement that is not a read
 * marks the current consistency scope. The replication position is read on
 * that same connection once the write is committed: at once for an
 * autocommit write, at the end of the transaction (`COMMIT` by
 * `pool.transaction()` or as SQL, whoever sends it) for a write inside one.
 * Until then the scope's reads stay on the primary for the time window.
 */
export class ScopeWriteTracker implements StatementObserver {
  readonly #host: ScopeWriteTrackerHost
  /** Leases whose open transaction wrote for a scope: the position is read when it ends. */
  readonly #uncommitted = new WeakMap<Lease, ConsistencyScope>()

  constructor(host: ScopeWriteTrackerHost) {
    this.#host = host
  }

  afterStatement(lease: Lease, sql: string, hint: StatementKind | undefined): Promise<void> | undefined {
    if (this.#host.config.readYourWrites === 'off') return undefined
    const scope = currentConsistencyScope()
    const uncommitted = this.#uncommitted.get(lease)
    // outside any scope, and no scope's write waiting for its commit here: nothing to do (no classifying)
    if (scope === undefined && uncommitted === undefined) return undefined
    if (scope !== undefined && this.#writes(sql, hint)) {
      scope.wroteAt = this.#host.clock.now()
      if (!lease.inTransaction()) return this.#committed(scope, lease)
      if (uncommitted !== undefined && uncommitted !== scope) this.#leftToTheWindow(uncommitted)
      this.#uncommitted.set(lease, scope)
      return undefined
    }
    if (uncommitted === undefined || lease.inTransaction()) return undefined
    // the transaction ended (COMMIT, or ROLLBACK: a position taken then is merely early)
    this.#uncommitted.delete(lease)
    return this.#committed(uncommitted, lease)
  }

  /** A pipeline's statement, queued in the caller's context: its scope, if it is a write in one. */
  markWrite(sql: string, hint: StatementKind | undefined): WriteMark | undefined {
    if (this.#host.config.readYourWrites === 'off') return undefined
    const scope = currentConsistencyScope()
    if (scope === undefined || !this.#writes(sql, hint)) return undefined
    // until it is sent and committed, the scope's reads stay on the primary for the window
    scope.wroteAt = this.#host.clock.now()
    return scope
  }

  /** The pipeline's batch committed on `lease`: one position read, noted in every scope that wrote in it. */
  async committed(marks: ReadonlySet<WriteMark>, lease: Lease): Promise<void> {
    const scopes = [...marks] as ConsistencyScope[]
    const [first, ...others] = scopes
    if (first === undefined) return
    await this.#committed(first, lease)
    for (const scope of others) {
      scope.wroteAt = first.wroteAt
      scope.notePosition(first.writePosition, this.#host.dialect.positionReached)
    }
  }

  /** A statement that may have changed data: anything but a read and the transaction's own BEGIN/COMMIT/ROLLBACK. */
  #writes(sql: string, hint: StatementKind | undefined): boolean {
    return transactionEffect(sql) === 'none' && this.#host.kindOf(sql, hint) !== 'read'
  }

  /** After a commit on `lease`: where the primary stands now, read on that connection. */
  async #committed(scope: ConsistencyScope, lease: Lease): Promise<void> {
    const { dialect, config, clock } = this.#host
    scope.wroteAt = clock.now()
    if (config.readYourWrites !== 'position' || !dialect.writePosition) {
      scope.writePosition = undefined
      return
    }
    try {
      const position = await lease.entry.run((raw) => dialect.writePosition!(raw))
      scope.notePosition(position, dialect.positionReached)
    } catch (error) {
      // the write stands; without its position the scope's reads stay on the primary for the window
      scope.writePosition = undefined
      this.#host.log('warn', 'could not read the replication position after a write; the scope reads from the primary for the window', { error })
    }
  }

  /** A scope whose transaction's end this lease will no longer report (another scope wrote in the same transaction): the window covers it. */
  #leftToTheWindow(scope: ConsistencyScope): void {
    scope.wroteAt = this.#host.clock.now()
    scope.writePosition = undefined
  }
}
