import type { DatabaseKind, QueryResult as SluiceQueryResult } from '@sluice/core'
import type { QueryResult, TransactionSettings } from 'kysely'

/**
 * What differs between databases in how Kysely's stock drivers talk to them.
 * Each Sluice dialect supplies one, copied from the stock driver's behaviour,
 * so the same application code sees the same SQL and the same results.
 *
 * @internal
 */
export interface DatabaseFlavor {
  readonly kind: DatabaseKind
  /** The statements that open a transaction, exactly as the stock driver sends them. */
  beginStatements(settings: TransactionSettings): readonly string[]
  /** What comes before the savepoint's name in a release command. */
  readonly releaseSavepoint: 'release' | 'release savepoint'
  /** Turns the engine's result into Kysely's, as the stock driver does with its driver's result. */
  toKyselyResult<R>(result: SluiceQueryResult): QueryResult<R>
}
