import type { ResolvedRoutingConfig } from '../config/routing-config.js'
import { FUNCTION_CACHE_SIZE } from '../config/defaults.js'
import type { StatementKind } from '../dialect.js'
import { kindOf } from '../sql/classify-statement.js'
import { functionKey, type FunctionCall, type FunctionVerdict } from '../sql/function-call.js'
import type { StatementAnalysis } from '../sql/statement-analysis.js'
import type { Clock } from '../util/clock.js'
import type { Logger } from '../util/logger.js'

/** Asks the database about functions (`Dialect.judgeFunctions` on a primary connection). */
export type FunctionLookup = (calls: readonly FunctionCall[]) => Promise<ReadonlyMap<string, 'safe' | 'unsafe'>>

interface Cached {
  readonly verdict: 'safe' | 'unsafe'
  readonly at: number
}

/**
 * Decides whether the functions a statement calls may run on a replica, one
 * per router (so per pool): the user's `unsafeFunctions` first, then their
 * `safeFunctions`, then what the classifier knows of built-ins, then the
 * database's word (PostgreSQL's volatility), cached for
 * `functionCacheMillis` with a bound. A function nobody vouches for sends
 * its statement to the primary. The database is asked once per function
 * name while its answer is fresh: about functions neither the lists nor the
 * built-ins settle, and about unqualified built-ins, in case a user's
 * function of the same name on the search path shadows them.
 */
export class FunctionSafety {
  readonly #safe: ReadonlySet<string>
  readonly #unsafe: ReadonlySet<string>
  readonly #ttl: number
  readonly #clock: Clock
  readonly #log: Logger
  readonly #lookup: FunctionLookup | undefined
  readonly #cache = new Map<string, Cached>()
  readonly #asking = new Map<string, Promise<void>>()
  /** Times the database was asked (each a batch of functions). */
  lookups = 0

  constructor(config: ResolvedRoutingConfig, lookup: FunctionLookup | undefined, clock: Clock, log: Logger) {
    this.#safe = new Set(config.safeFunctions.map((name) => name.toLowerCase()))
    this.#unsafe = new Set(config.unsafeFunctions.map((name) => name.toLowerCase()))
    this.#ttl = config.functionCacheMillis
    this.#lookup = lookup
    this.#clock = clock
    this.#log = log
  }

  /** The verdict on one call from what is known now (lists, built-ins, fresh answers of the database). */
  readonly verdict = (call: FunctionCall): FunctionVerdict => {
    const listed = this.#listed(call)
    if (listed !== undefined) return listed
    if (call.builtin === 'unsafe') return 'unsafe'
    const answer = this.#fresh(functionKey(call))
    // a built-in stays safe unless the database said a function of that name on the search path shadows it
    if (call.builtin === 'safe') return answer ?? 'safe'
    return answer
  }

  #listed(call: FunctionCall): FunctionVerdict {
    const key = functionKey(call).toLowerCase()
    if (this.#unsafe.has(key) || this.#unsafe.has(call.name.toLowerCase())) return 'unsafe'
    if (this.#safe.has(key)) return 'safe'
    return undefined
  }

  /** The database's answer on `key` while it is fresh. */
  #fresh(key: string): FunctionVerdict {
    const cached = this.#cache.get(key)
    if (cached === undefined) return undefined
    if (this.#clock.now() - cached.at >= this.#ttl) {
      this.#cache.delete(key)
      return undefined
    }
    return cached.verdict
  }

  /**
   * Whether the database should be asked about `call`: nobody has judged it,
   * or it is an unqualified built-in whose name the database has not been
   * asked about lately (a user's function of the same name on the search
   * path, `public.lower(int)`, may be what the call resolves to).
   */
  #needsAsking(call: FunctionCall): boolean {
    if (this.#lookup === undefined || this.#listed(call) !== undefined) return false
    if (call.builtin === 'safe') return call.schema === undefined && this.#fresh(functionKey(call)) === undefined
    return this.verdict(call) === undefined
  }

  /** The statement's kind from what is known now: a call nobody has judged yet makes it `unknown`. */
  kindNow(analysis: StatementAnalysis): StatementKind {
    return kindOf(analysis, this.verdict)
  }

  /** The calls of a would-be read to ask the database about (none when its kind is settled). */
  unjudged(analysis: StatementAnalysis): FunctionCall[] {
    if (analysis.kind !== 'read') return []
    return analysis.calls.filter((call) => this.#needsAsking(call))
  }

  /** The statement's kind, asking the database about calls nobody has judged yet. */
  async kind(analysis: StatementAnalysis): Promise<StatementKind> {
    const unjudged = this.unjudged(analysis)
    if (unjudged.length > 0) await this.ask(unjudged)
    return this.kindNow(analysis)
  }

  /** Asks the database about `calls` (once per function at a time); a failed lookup leaves them unjudged (primary). */
  ask(calls: readonly FunctionCall[]): Promise<void> {
    if (this.#lookup === undefined) return Promise.resolve()
    const waits: Promise<void>[] = []
    const fresh: FunctionCall[] = []
    for (const call of calls) {
      const pending = this.#asking.get(functionKey(call))
      if (pending) waits.push(pending)
      else if (!fresh.some((c) => functionKey(c) === functionKey(call))) fresh.push(call)
    }
    if (fresh.length > 0) {
      const asked = this.#askNow(this.#lookup, fresh)
      for (const call of fresh) this.#asking.set(functionKey(call), asked)
      waits.push(asked)
    }
    return Promise.all(waits).then(() => undefined)
  }

  async #askNow(lookup: FunctionLookup, calls: readonly FunctionCall[]): Promise<void> {
    this.lookups++
    try {
      const verdicts = await lookup(calls)
      const at = this.#clock.now()
      for (const call of calls) {
        // a call the database does not answer for: a built-in it knows no shadow of, else nothing safe
        const key = functionKey(call)
        this.#remember(key, { verdict: verdicts.get(key) ?? (call.builtin === 'safe' ? 'safe' : 'unsafe'), at })
      }
    } catch (error) {
      this.#log('warn', `could not ask the database whether ${calls.map(functionKey).join(', ')} may run on a replica; statements calling them go to the primary`, { error })
    } finally {
      for (const call of calls) this.#asking.delete(functionKey(call))
    }
  }

  #remember(key: string, value: Cached): void {
    this.#cache.delete(key)
    this.#cache.set(key, value)
    // the oldest answer goes first
    if (this.#cache.size > FUNCTION_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!)
  }
}
