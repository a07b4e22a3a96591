import { scan, type LexRules } from './scanner.js'
import type { SqlToken } from './token.js'

/**
 * MySQL's and MariaDB's lexical rules: `#` starts a line comment; `--`
 * starts one only when followed by whitespace, a control character or the
 * end (`v--1` is `v - (-1)`); block comments do not nest; the executable
 * comments `/*! ... *\/`, `/*!50000 ... *\/`, `/*M! ... *\/` and
 * `/*M!100100 ... *\/` hold code and are read as code; backslashes escape in
 * strings, but a server may run with NO_BACKSLASH_ESCAPES, so a string
 * holding a backslash-escaped quote (`'it\'s'`), which that server would
 * end early, is not trusted (write `'it''s'`, or bind the value); `'...'`
 * and `"..."` are strings; `` `x` `` is an identifier.
 */
const MYSQL_RULES: LexRules = {
  hashComments: true,
  dashCommentNeedsSpace: true,
  lineEnds: '\n',
  nestedBlockComments: false,
  executableComments: true,
  dollarQuotes: false,
  backslashEscapes: true,
  escapedQuotesAmbiguous: true,
  escapeStrings: false,
  doubleQuotedStrings: true,
  backtickIdentifiers: true,
  bracketIdentifiers: false,
}

export function mysqlTokenize(sql: string): SqlToken[] {
  return scan(sql, MYSQL_RULES)
}
