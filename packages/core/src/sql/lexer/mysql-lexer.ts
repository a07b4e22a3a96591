import { scan, type LexRules } from './scanner.js'
import type { SqlToken } from './token.js'

/**
 * MySQL's and MariaDB's lexical rules: `#` starts a line comment; `--`
 * starts one only when followed by whitespace, a control character or the
 * end (`v--1` is `v - (-1)`); block comments do not nest; the executable
 * comments `/*! ... *\/`, `/*!50000 ... *\/`, `/*M! ... *\/` and
 * `/*M!100100 ... *\/` hold code and are read as code; backslashes escape in
 * strings (unless the server runs with NO_BACKSLASH_ESCAPES: see
 * `mysqlTokenizeNoBackslashEscapes`); `'...'` and `"..."` are strings; `` `x` `` is an
 * identifier.
 */
const MYSQL_RULES: LexRules = {
  hashComments: true,
  dashCommentNeedsSpace: true,
  lineEnds: '\n',
  nestedBlockComments: false,
  executableComments: true,
  dollarQuotes: false,
  backslashEscapes: true,
  escapeStrings: false,
  doubleQuotedStrings: true,
  backtickIdentifiers: true,
  bracketIdentifiers: false,
}

/** The same rules under sql_mode NO_BACKSLASH_ESCAPES, where a backslash is an ordinary character. */
const MYSQL_NO_BACKSLASH_RULES: LexRules = { ...MYSQL_RULES, backslashEscapes: false }

export function mysqlTokenize(sql: string): SqlToken[] {
  return scan(sql, MYSQL_RULES)
}

/** `mysqlTokenize` as a server with NO_BACKSLASH_ESCAPES reads it. */
export function mysqlTokenizeNoBackslashEscapes(sql: string): SqlToken[] {
  return scan(sql, MYSQL_NO_BACKSLASH_RULES)
}
