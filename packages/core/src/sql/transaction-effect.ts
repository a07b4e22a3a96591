import { leadingKeywords } from './leading-keywords.js'

/** What a statement does to the connection's transaction state. */
export type TransactionEffect = 'begin' | 'end' | 'none'

/**
 * Tells whether a statement opens or closes a transaction, from its text.
 * The engine uses this only where the driver cannot say exactly (see
 * `Dialect.inTransaction`).
 */
export function transactionEffect(sql: string): TransactionEffect {
  const [first, second] = leadingKeywords(sql, 2)
  switch (first) {
    case 'BEGIN':
      // `BEGIN ... END` blocks are procedural code, not transactions; they do
      // not start with a bare BEGIN followed by these words.
      return 'begin'
    case 'START':
      return second === 'TRANSACTION' ? 'begin' : 'none'
    case 'COMMIT':
    case 'END':
    case 'ABORT':
      return 'end'
    case 'ROLLBACK':
      // ROLLBACK TO SAVEPOINT keeps the transaction open
      return second === 'TO' ? 'none' : 'end'
    default:
      return 'none'
  }
}
