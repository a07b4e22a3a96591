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
 * `pool.transaction()` or as SQL, whoever sends it) for a write inside one
 * (before the commit nobody sees the write, so the scope is marked then).
 */
export class ScopeWriteTracker implements StatementObserver {
  readonly #host: ScopeWriteTrackerHost
  /** Leases whose open transaction wrote for scopes: the position is read when it ends. */
  readonly #uncommitted = new WeakMap<Lease, Set<ConsistencyScope>>()

  constructor(host: ScopeWriteTrackerHost) {
    this.#host = host
  }

  /** Only in a scope, or on a lease whose open transaction wrote for one. */
  watches(lease: Lease): boolean {
    return this.#host.config.readYourWrites !== 'off' && (currentConsistencyScope() !== undefined || this.#uncommitted.has(lease))
  }

  afterStatement(lease: Lease, sql: string, hint: StatementKind | undefined): Promise<void> | undefined {
    if (this.#host.config.readYourWrites === 'off') return undefined
    const scope = currentConsistencyScope()
    const pending = this.#uncommitted.get(lease)
    // outside any scope, and no scope's write waiting for its commit here: nothing to do (no classifying)
    if (scope === undefined && pending === undefined) return undefined
    if (scope !== undefined && this.#writes(sql, hint)) {
      const scopes = pending ?? new Set<ConsistencyScope>()
      scopes.add(scope)
      if (lease.inTransaction()) {
        // nobody sees it before the commit: the scope is marked then
        this.#uncommitted.set(lease, scopes)
        return undefined
      }
      this.#uncommitted.delete(lease)
      return this.committed(scopes, lease)
    }
    if (pending === undefined || lease.inTransaction()) return undefined
    // the transaction ended (COMMIT, or ROLLBACK: a position taken then is merely early)
    this.#uncommitted.delete(lease)
    return this.committed(pending, lease)
  }

  /** A pipeline's statement, queued in the caller's context: its scope, if it is a write in one (marked once its batch committed). */
  markWrite(sql: string, hint: StatementKind | undefined): WriteMark | undefined {
    if (this.#host.config.readYourWrites === 'off') return undefined
    const scope = currentConsistencyScope()
    return scope !== undefined && this.#writes(sql, hint) ? scope : undefined
  }

  /** Writes for `marks` (scopes) were committed on `lease`: one position read, noted in each of them. */
  async committed(marks: ReadonlySet<WriteMark>, lease: Lease): Promise<void> {
    const [first, ...others] = marks as ReadonlySet<ConsistencyScope>
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
}
