import { mysqlTokenize } from './lexer/mysql-lexer.js'
import { pgTokenize } from './lexer/pg-lexer.js'
import { sqliteTokenize } from './lexer/sqlite-lexer.js'
import type { SqlFamily, SqlToken } from './lexer/token.js'

export type { SqlFamily, SqlToken } from './lexer/token.js'

/**
 * The lexical rules of an older signature: `backslashEscapes: true` reads
 * MySQL's rules, `false` PostgreSQL's. Prefer passing the family.
 */
export interface TokenizeOptions {
  readonly backslashEscapes: boolean
}

/** The family a caller asked for, from either signature. */
export function familyOf(family: SqlFamily | TokenizeOptions): SqlFamily {
  if (typeof family === 'string') return family
  return family.backslashEscapes ? 'mysql' : 'postgres'
}

/**
 * Splits SQL into tokens by the lexical rules of its database family
 * (see `lexer/`): comments dropped, literals and quoted identifiers opaque.
 */
export function tokenize(sql: string, family: SqlFamily | TokenizeOptions): SqlToken[] {
  switch (familyOf(family)) {
    case 'postgres':
      return pgTokenize(sql)
    case 'mysql':
      return mysqlTokenize(sql)
    case 'sqlite':
      return sqliteTokenize(sql)
  }
}
