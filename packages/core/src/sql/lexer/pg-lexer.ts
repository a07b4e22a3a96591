import { scan, type LexRules } from './scanner.js'
import type { SqlToken } from './token.js'

/**
 * PostgreSQL's lexical rules: `#` is an operator (`#>>`, `#-`, bitwise xor),
 * never a comment; `--` always starts one (to a newline or carriage
 * return); block comments nest; `$tag$ ... $tag$` strings (tags may hold
 * digits and underscores, `$1` is a parameter); backslashes escape only in
 * `E'...'` (standard_conforming_strings, on since 9.1; a backslash before a
 * quote in a standard string, which a server with it off reads otherwise,
 * is not trusted); `"x"` identifiers.
 */
const PG_RULES: LexRules = {
  hashComments: false,
  dashCommentNeedsSpace: false,
  lineEnds: '\n\r',
  nestedBlockComments: true,
  executableComments: false,
  dollarQuotes: true,
  backslashEscapes: false,
  escapedQuotesAmbiguous: true,
  escapeStrings: true,
  doubleQuotedStrings: false,
  backtickIdentifiers: false,
  bracketIdentifiers: false,
}

export function pgTokenize(sql: string): SqlToken[] {
  return scan(sql, PG_RULES)
}
