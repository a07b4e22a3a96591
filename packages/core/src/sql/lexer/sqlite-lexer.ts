import { scan, type LexRules } from './scanner.js'
import type { SqlToken } from './token.js'

/**
 * SQLite's lexical rules: PostgreSQL's `--` comments (to a newline), block
 * comments that do not nest, no dollar quotes and no backslash escapes;
 * identifiers may be quoted `"x"`, `` `x` `` or `[x]`.
 */
const SQLITE_RULES: LexRules = {
  hashComments: false,
  dashCommentNeedsSpace: false,
  lineEnds: '\n',
  nestedBlockComments: false,
  executableComments: false,
  dollarQuotes: false,
  backslashEscapes: false,
  escapedQuotesAmbiguous: false,
  escapeStrings: false,
  doubleQuotedStrings: false,
  backtickIdentifiers: true,
  bracketIdentifiers: true,
}

export function sqliteTokenize(sql: string): SqlToken[] {
  return scan(sql, SQLITE_RULES)
}
