/** The lexical rules a statement is read with: each database family (`Dialect.kind`) has its own. */
export type SqlFamily = 'postgres' | 'mysql' | 'sqlite'

/** A token of SQL text, with comments dropped and literals reduced to opaque tokens. */
export type SqlToken =
  /** A keyword or unquoted identifier, upper-cased. */
  | { readonly kind: 'word'; readonly text: string }
  /** A quoted identifier ("x", `x`, [x]); `text` is the name inside, case kept. */
  | { readonly kind: 'quoted'; readonly text: string }
  /** A string, number, or dollar-quoted body. */
  | { readonly kind: 'literal' }
  /** $1, ?, :name */
  | { readonly kind: 'param' }
  | { readonly kind: 'punct'; readonly text: string }
  /** A string, identifier or comment that never ends, or text read two ways: it cannot be trusted. */
  | { readonly kind: 'unterminated' }

export const UNTERMINATED: SqlToken = Object.freeze({ kind: 'unterminated' })
