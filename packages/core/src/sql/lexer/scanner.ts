import { UNTERMINATED, type SqlToken } from './token.js'

/**
 * Where the lexical rules of the SQL families differ. Each family's lexer
 * (`pg-lexer.ts`, `mysql-lexer.ts`, `sqlite-lexer.ts`) is this scanner with
 * its own rules; everything the families share lives here once.
 */
export interface LexRules {
  /** `#` starts a line comment (MySQL) rather than being an operator (PostgreSQL's xor, `#>>`, `#-`). */
  readonly hashComments: boolean
  /** `--` starts a comment only when followed by whitespace, a control character or the end (MySQL: `v--1` is arithmetic). */
  readonly dashCommentNeedsSpace: boolean
  /** Characters that end a line comment. */
  readonly lineEnds: string
  /** `/* /* *\/ *\/` nests (PostgreSQL); elsewhere the first `*\/` ends it. */
  readonly nestedBlockComments: boolean
  /** `/*! ... *\/`, `/*!50000 ... *\/`, `/*M! ... *\/`, `/*M!100100 ... *\/` hold code (MySQL, MariaDB). */
  readonly executableComments: boolean
  /** `$tag$ ... $tag$` strings and `$1` parameters (PostgreSQL). */
  readonly dollarQuotes: boolean
  /** A backslash escapes the next character in '...' (MySQL's default); otherwise only in E'...'. */
  readonly backslashEscapes: boolean
  /**
   * A backslash before a quote in a string (`'it\'s'`, `'C:\'`) cannot be
   * trusted: a server with the other setting (MySQL's NO_BACKSLASH_ESCAPES,
   * PostgreSQL's standard_conforming_strings = off) ends the string
   * elsewhere and reads different text as code. (Every other backslash
   * leaves the string's end where it is under both readings; `E'...'`
   * always escapes, so it is never in doubt.)
   */
  readonly escapedQuotesAmbiguous: boolean
  /** `E'...'` strings take backslash escapes (PostgreSQL). */
  readonly escapeStrings: boolean
  /** `"..."` is a string (MySQL without ANSI_QUOTES), not an identifier; both are opaque, only the token kind differs. */
  readonly doubleQuotedStrings: boolean
  /** `` `x` `` identifiers (MySQL, SQLite). */
  readonly backtickIdentifiers: boolean
  /** `[x]` identifiers (SQLite). */
  readonly bracketIdentifiers: boolean
}

/**
 * Splits SQL into tokens by `rules`: drops comments (but reads the code in
 * MySQL's executable comments), reduces every string, dollar-quoted body and
 * quoted identifier to one opaque token, so that a keyword inside a literal
 * (`'... FOR UPDATE ...'`) is never mistaken for one in the statement. Any
 * text whose reading is in doubt (a quote or comment that never ends, a
 * comment marker inside an executable comment) ends the list with an
 * `unterminated` token, which the classifier treats as "not a read".
 */
export function scan(sql: string, rules: LexRules): SqlToken[] {
  const tokens: SqlToken[] = []
  const n = sql.length
  /** Inside `/*! ... *\/`: the next `*\/` closes it. */
  let executable = false
  let i = 0
  while (i < n) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++
    } else if (executable && c === '*' && next === '/') {
      executable = false
      i += 2
    } else if ((c === '#' && rules.hashComments) || (c === '-' && next === '-' && (!rules.dashCommentNeedsSpace || isSpaceOrEnd(sql, i + 2)))) {
      const end = lineEnd(sql, i, rules.lineEnds)
      // a version-gated comment's body is code on one server and a comment on another: read it only one way
      if (executable && sql.slice(i, end).includes('*/')) return [...tokens, UNTERMINATED]
      i = end
    } else if (c === '/' && next === '*') {
      if (rules.executableComments && !executable) {
        const body = executableBody(sql, i)
        if (body !== -1) {
          executable = true
          i = body
          continue
        }
      }
      if (executable) return [...tokens, UNTERMINATED]
      i = skipBlockComment(sql, i, rules.nestedBlockComments)
      if (i < 0) return [...tokens, UNTERMINATED]
    } else if (c === "'" || (c === '"' && rules.doubleQuotedStrings)) {
      const end = skipQuoted(sql, i, c, rules.backslashEscapes, rules.escapedQuotesAmbiguous)
      if (end < 0 || (executable && sql.slice(i, end).includes('*/'))) return [...tokens, UNTERMINATED]
      i = end
      tokens.push({ kind: 'literal' })
    } else if (c === '"' || (c === '`' && rules.backtickIdentifiers) || (c === '[' && rules.bracketIdentifiers)) {
      const close = c === '[' ? ']' : c
      const end = skipQuoted(sql, i, close, false, false)
      if (end < 0 || (executable && sql.slice(i, end).includes('*/'))) return [...tokens, UNTERMINATED]
      tokens.push({ kind: 'quoted', text: sql.slice(i + 1, end - 1).replaceAll(close + close, close) })
      i = end
    } else if (c === '$' && rules.dollarQuotes && next !== undefined && isDigit(next)) {
      i += 2
      while (i < n && isDigit(sql[i]!)) i++
      tokens.push({ kind: 'param' })
    } else if (c === '$' && rules.dollarQuotes && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i)!
      const end = sql.indexOf(tag, i + tag.length)
      if (end === -1) return [...tokens, UNTERMINATED]
      i = end + tag.length
      tokens.push({ kind: 'literal' })
    } else if (c === '?') {
      tokens.push({ kind: 'param' })
      i++
    } else if (isDigit(c) || (c === '.' && next !== undefined && isDigit(next))) {
      i = skipNumber(sql, i)
      tokens.push({ kind: 'literal' })
    } else if (isWordStart(c)) {
      let j = i + 1
      while (j < n && isWordPart(sql[j]!)) j++
      const word = sql.slice(i, j)
      // E'..' (escapes), B'..', X'..', N'..' and U&'..' prefixed strings
      if (sql[j] === "'" && word.length === 1 && /[EeBbXxNn]/.test(word)) {
        const escapeString = rules.escapeStrings && (word === 'E' || word === 'e')
        const end = skipQuoted(sql, j, "'", rules.backslashEscapes || escapeString, rules.escapedQuotesAmbiguous && !escapeString)
        if (end < 0 || (executable && sql.slice(j, end).includes('*/'))) return [...tokens, UNTERMINATED]
        i = end
        tokens.push({ kind: 'literal' })
      } else {
        tokens.push({ kind: 'word', text: word.toUpperCase() })
        i = j
      }
    } else if (c === ':' && next !== undefined && /[A-Za-z_]/.test(next) && sql[i - 1] !== ':') {
      i++
      while (i < n && /[A-Za-z0-9_]/.test(sql[i]!)) i++
      tokens.push({ kind: 'param' })
    } else {
      tokens.push({ kind: 'punct', text: c })
      i++
    }
  }
  // an executable comment that never closes
  if (executable) tokens.push(UNTERMINATED)
  return tokens
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}

function isWordStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_' || c >= '\u0080'
}

function isWordPart(c: string): boolean {
  // `$` continues a word in every family (`a$b`), never starts one
  return isWordStart(c) || isDigit(c) || c === '$'
}

function isSpaceOrEnd(sql: string, i: number): boolean {
  return i >= sql.length || sql.charCodeAt(i) <= 32
}

function lineEnd(sql: string, start: number, ends: string): number {
  for (let i = start; i < sql.length; i++) if (ends.includes(sql[i]!)) return i + 1
  return sql.length
}

function skipNumber(sql: string, start: number): number {
  let i = start
  while (i < sql.length && /[0-9.]/.test(sql[i]!)) i++
  if ((sql[i] === 'e' || sql[i] === 'E') && /[0-9+-]/.test(sql[i + 1] ?? '')) {
    i += 2
    while (i < sql.length && isDigit(sql[i]!)) i++
  }
  return i
}

/** `$tag$` at `i` (a tag is empty or an identifier that does not start with a digit), else undefined. */
function dollarTagAt(sql: string, i: number): string | undefined {
  let j = i + 1
  if (sql[j] !== '$') {
    if (j >= sql.length || !isWordStart(sql[j]!)) return undefined
    while (j < sql.length && (isWordStart(sql[j]!) || isDigit(sql[j]!))) j++
    if (sql[j] !== '$') return undefined
  }
  return sql.slice(i, j + 1)
}

/** The index where the code of an executable comment starting at `i` begins, or -1 when it is an ordinary comment. */
function executableBody(sql: string, i: number): number {
  let j = i + 2
  if (sql[j] === 'M' && sql[j + 1] === '!') j += 2
  else if (sql[j] === '!') j += 1
  else return -1
  while (j < sql.length && isDigit(sql[j]!)) j++
  return j
}

/** The index after the comment, or -1 when it never ends. */
function skipBlockComment(sql: string, start: number, nested: boolean): number {
  if (!nested) {
    const end = sql.indexOf('*/', start + 2)
    return end === -1 ? -1 : end + 2
  }
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++
      i += 2
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--
      i += 2
      if (depth === 0) return i
    } else {
      i++
    }
  }
  return -1
}

/** The index after the closing quote, or -1 when it never closes (or holds an escaped quote that `ambiguous` distrusts). */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean, ambiguous: boolean): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]
    if (ambiguous && c === '\\' && sql[i + 1] === quote) return -1
    if (backslashEscapes && c === '\\') i += 2
    else if (c === quote && sql[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return -1
}
