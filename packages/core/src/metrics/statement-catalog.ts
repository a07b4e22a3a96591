import { STATEMENT_SHAPE_CACHE_SIZE, STATEMENT_SHAPE_MAX_CACHED_LENGTH } from '../config/defaults.js'
import type { ResolvedPatternsConfig } from '../config/patterns-config.js'
import { PatternTracker } from '../learning/pattern-tracker.js'
import { describeStatement, type StatementShape } from '../sql/statement-shape.js'
import type { SqlFamily } from '../sql/tokenize.js'

/** A statement as the metrics label it: its shape, and the `operation` and `table` labels of its duration histogram. */
export interface StatementInfo {
  readonly shape: StatementShape
  readonly operation: string
  readonly table: string
  /** `operation` and `table` in one string: the key of the node's histogram for them. */
  readonly key: string
}

/** Operations with a label of their own; any other first word is `OTHER`, so a label never carries arbitrary text. */
const OPERATIONS = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'MERGE', 'VALUES', 'TABLE', 'CALL', 'DO', 'COPY', 'BEGIN', 'START', 'COMMIT',
  'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'SET', 'SHOW', 'EXPLAIN', 'CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'LOCK', 'PREPARE', 'EXECUTE',
])

/** The `table` label of statements that name no table, and of tables beyond `tableLabels`. */
export const NO_TABLE = 'none'
export const OTHER_TABLE = 'other'

/**
 * What a pool learns from each statement's text, shared by its nodes (the
 * primary and each replica): the shape of each statement text (cached, so a
 * repeated statement is tokenized once), the bounded set of table labels
 * (the first `tableLabels` tables seen; the rest are `other`, so the metrics'
 * cardinality stays bounded) and the pattern tracker.
 */
export class StatementCatalog {
  readonly patterns: PatternTracker
  readonly #family: SqlFamily
  readonly #tableLabels: number
  readonly #tables = new Set<string>()
  /** Statement text -> what it is; insertion order, so the oldest entry goes first when full. */
  readonly #infos = new Map<string, StatementInfo>()

  constructor(config: ResolvedPatternsConfig, family: SqlFamily, now: () => number) {
    this.patterns = new PatternTracker(config.capacity, now)
    this.#family = family
    this.#tableLabels = config.tableLabels
  }

  /** What `sql` is, from the cache or worked out now. */
  info(sql: string): StatementInfo {
    const cached = this.#infos.get(sql)
    if (cached !== undefined) return cached
    const info = this.#describe(sql)
    if (sql.length <= STATEMENT_SHAPE_MAX_CACHED_LENGTH) {
      if (this.#infos.size >= STATEMENT_SHAPE_CACHE_SIZE) this.#infos.delete(this.#infos.keys().next().value!)
      this.#infos.set(sql, info)
    }
    return info
  }

  /** Statement texts whose shape is cached now (bounded by `STATEMENT_SHAPE_CACHE_SIZE`). */
  get cachedStatements(): number {
    return this.#infos.size
  }

  #describe(sql: string): StatementInfo {
    const shape = describeStatement(sql, this.#family)
    const operation = OPERATIONS.has(shape.operation) ? shape.operation : 'OTHER'
    const table = this.#tableLabel(shape.tables[0])
    return { shape, operation, table, key: `${operation}\u0000${table}` }
  }

  #tableLabel(table: string | undefined): string {
    if (table === undefined) return NO_TABLE
    if (this.#tables.has(table)) return table
    if (this.#tables.size >= this.#tableLabels) return OTHER_TABLE
    this.#tables.add(table)
    return table
  }
}
