/** A token of SQL text, with literals and comments already reduced away. */
export type SqlToken =
  | { readonly kind: 'word'; readonly text: string } // upper-cased keyword or identifier
  | { readonly kind: 'quoted'; readonly text: string } // a quoted identifier: "x", `x`, its name unquoted
  | { readonly kind: 'literal' } // a string, number, or dollar-quoted body
  | { readonly kind: 'param' } // $1, ?, :name
  | { readonly kind: 'punct'; readonly text: string }
  /** A string, identifier or comment that never ends: the text cannot be trusted. */
  | { readonly kind: 'unterminated' }

export interface TokenizeOptions {
  /**
   * Whether a backslash escapes the next character inside '...' (MySQL's
   * default). PostgreSQL's standard strings do not, except in E'...'.
   */
  readonly backslashEscapes: boolean
}

/**
 * Splits SQL into tokens, dropping comments and reducing every string,
 * dollar-quoted body and quoted identifier to an opaque token, so that a
 * keyword inside a literal (`'... FOR UPDATE ...'`) is never mistaken for
 * one in the statement. Handles PostgreSQL (`$tag$...$tag$`, `E'...'`) and
 * MySQL (`#` comments, backticks, backslash escapes) syntax.
 */
export function tokenize(sql: string, options: TokenizeOptions): SqlToken[] {
  const tokens: SqlToken[] = []
  const n = sql.length
  let i = 0
  while (i < n) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++
    } else if ((c === '-' && next === '-') || c === '#') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i)
      if (i < 0) return [...tokens, { kind: 'unterminated' }]
    } else if (c === "'") {
      i = skipQuoted(sql, i, "'", options.backslashEscapes)
      if (i < 0) return [...tokens, { kind: 'unterminated' }]
      tokens.push({ kind: 'literal' })
    } else if (c === '"' || c === '`') {
      const start = i
      i = skipQuoted(sql, i, c, false)
      if (i < 0) return [...tokens, { kind: 'unterminated' }]
      // the name, for fingerprints and table names; a doubled quote inside stands for one
      tokens.push({ kind: 'quoted', text: sql.slice(start + 1, i - 1).replaceAll(c + c, c) })
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      i += 2
      while (i < n && /[0-9]/.test(sql[i]!)) i++
      tokens.push({ kind: 'param' })
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length)
        if (end === -1) return [...tokens, { kind: 'unterminated' }]
        i = end + tag[0].length
        tokens.push({ kind: 'literal' })
      } else {
        tokens.push({ kind: 'punct', text: c })
        i++
      }
    } else if (c === '?') {
      tokens.push({ kind: 'param' })
      i++
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[0-9.eE]/.test(sql[i]!)) i++
      tokens.push({ kind: 'literal' })
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++
      const word = sql.slice(i, j)
      // E'..', B'..', X'..', N'..' prefixed strings
      if (sql[j] === "'" && word.length === 1 && /[EeBbXxNn]/.test(word)) {
        i = skipQuoted(sql, j, "'", options.backslashEscapes || word === 'E' || word === 'e')
        if (i < 0) return [...tokens, { kind: 'unterminated' }]
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
  return tokens
}

/** The index after the comment, or -1 when it never ends. */
function skipBlockComment(sql: string, start: number): number {
  // PostgreSQL nests block comments
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

/** The index after the closing quote, or -1 when it never closes. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1
  while (i < sql.length) {
    const c = sql[i]
    if (backslashEscapes && c === '\\') i += 2
    else if (c === quote && sql[i + 1] === quote) i += 2
    else if (c === quote) return i + 1
    else i++
  }
  return -1
}
