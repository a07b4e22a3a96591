import { leadingKeywords } from './leading-keywords.js'
import { tokenize, type TokenizeOptions } from './tokenize.js'

/**
 * Statements that may change what a prepared statement refers to: the
 * tables, columns, types, functions and views it was parsed against.
 * `DO` runs procedural code, which migrations use for DDL. Data statements,
 * `TRUNCATE` (it keeps the table and its types), `GRANT`/`REVOKE` (checked
 * at every execution) and `COMMENT` leave prepared statements valid.
 */
const SCHEMA_VERBS = new Set(['CREATE', 'ALTER', 'DROP', 'DO'])

/**
 * Whether `sql` may change the schema (DDL), so that statements prepared
 * before it may be stale. Every statement of a multi-statement text counts.
 * Cheap on the hot path: one look at the first letter rules most statements
 * out, and only a text with a `;` is tokenized.
 */
export function changesSchema(sql: string, options: TokenizeOptions): boolean {
  if (mayStartWithSchemaVerb(sql) && SCHEMA_VERBS.has(leadingKeywords(sql, 1)[0] ?? '')) return true
  if (!sql.includes(';')) return false
  const tokens = tokenize(sql, options)
  let statementStart = true
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      statementStart = true
      continue
    }
    if (statementStart && token.kind === 'word' && SCHEMA_VERBS.has(token.text)) return true
    statementStart = false
  }
  return false
}

/** False when the first character rules out CREATE, ALTER, DROP and DO (SELECT, INSERT, UPDATE, WITH, ...). */
function mayStartWithSchemaVerb(sql: string): boolean {
  let i = 0
  while (i < sql.length && sql.charCodeAt(i) <= 32) i++
  const c = sql.charCodeAt(i) | 0x20 // lower-cases a letter
  // c, a, d, and comments or a parenthesis that the keyword scan skips
  return c === 0x63 || c === 0x61 || c === 0x64 || c === 0x2d || c === 0x2f || c === 0x28
}
