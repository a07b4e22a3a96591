import { leadingKeywords } from './leading-keywords.js'

/** What a statement does to the connection's transaction state. */
export type TransactionEffect = 'begin' | 'end' | 'none'

/**
 * Tells whether a statement opens or closes a transaction, from its text.
 * The engine uses this only where the driver cannot say exactly (see
 * `Dialect.inTransaction`).
 */
export function transactionEffect(sql: string): TransactionEffect {
  if (!mayControlTransaction(sql)) return 'none'
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

/**
 * A check that allocates nothing, run on every statement: false when the
 * first character rules out BEGIN, START, COMMIT, END, ABORT and ROLLBACK
 * (SELECT, INSERT, UPDATE, DELETE, WITH... all do). Comments and parentheses
 * leave it to the full scan.
 */
function mayControlTransaction(sql: string): boolean {
  let i = 0
  while (i < sql.length && sql.charCodeAt(i) <= 32) i++
  const c = sql.charCodeAt(i) | 0x20 // lower-cases a letter
  switch (c) {
    case 0x73: // s: START, but not SELECT / SET / SHOW
      return (sql.charCodeAt(i + 1) | 0x20) === 0x74
    case 0x62: // b
    case 0x63: // c
    case 0x65: // e
    case 0x61: // a
    case 0x72: // r
    case 0x2d: // '-' comment (the OR leaves these four unchanged)
    case 0x2f: // '/' comment
    case 0x23: // '#' comment
    case 0x28: // '('
      return true
    default:
      return false
  }
}
