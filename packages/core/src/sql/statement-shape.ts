import type { StatementKind } from '../dialect.js'
import { classifyTokens } from './classify-statement.js'
import { familyOf, tokenize, type SqlFamily, type SqlToken, type TokenizeOptions } from './tokenize.js'

/** What the metrics and the pattern tracker know of a statement, from its text alone. */
export interface StatementShape {
  /**
   * The statement with every literal and parameter as `?`, lists of them as
   * `(...)`, comments and extra whitespace gone, keywords upper-cased and
   * names lower-cased: statements that differ only in their values share it.
   */
  readonly fingerprint: string
  /** The statement's verb, upper-cased (`SELECT`, `INSERT`, ...; for `WITH`, the main statement's); `OTHER` when none. */
  readonly operation: string
  /** Tables it names (FROM, JOIN, INTO, UPDATE, TABLE), lower-cased, in order, without duplicates; CTE names left out. */
  readonly tables: readonly string[]
  /** The read/write classifier's word on it (see `classifyStatement`). */
  readonly kind: StatementKind
}

/**
 * Describes a statement from its tokens: its fingerprint, operation, tables
 * and read/write kind, in one pass of the tokenizer. Parameter values never
 * appear in a fingerprint (they are not in the text; literals in the text
 * become `?`).
 *
 * ```ts
 * describeStatement("select * from Users where id IN (1, 2, 3) -- hot", 'postgres').fingerprint
 * // 'SELECT * FROM users WHERE id IN (...)'
 * ```
 */
export function describeStatement(sql: string, family: SqlFamily | TokenizeOptions): StatementShape {
  const f = familyOf(family)
  const tokens = tokenize(sql, f)
  if (tokens.some((t) => t.kind === 'unterminated')) return { fingerprint: '(unterminated statement)', operation: 'OTHER', tables: [], kind: 'unknown' }
  const { operation, tables } = operationAndTables(tokens)
  return { fingerprint: render(tokens), operation, tables, kind: classifyTokens(tokens, f) }
}

/** Keywords written upper-case in fingerprints; every other word is a name, written lower-case. */
const KEYWORDS = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'AS', 'ON', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER',
  'CROSS', 'NATURAL', 'USING', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'DISTINCT', 'UNION', 'ALL',
  'INTERSECT', 'EXCEPT', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE', 'RETURNING', 'WITH', 'RECURSIVE', 'CASE', 'WHEN',
  'THEN', 'ELSE', 'END', 'EXISTS', 'BETWEEN', 'LIKE', 'ILIKE', 'FOR', 'SHARE', 'NOWAIT', 'SKIP', 'LOCKED', 'CONFLICT', 'DO',
  'NOTHING', 'DUPLICATE', 'KEY', 'REPLACE', 'MERGE', 'MATCHED', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'TRUNCATE',
  'TABLE', 'CREATE', 'ALTER', 'DROP', 'INDEX', 'IF', 'TRUE', 'FALSE', 'DEFAULT', 'CAST', 'OVER', 'PARTITION', 'WINDOW', 'FILTER',
  'LATERAL', 'ANY', 'SOME', 'SHOW', 'EXPLAIN', 'ANALYZE', 'CALL', 'LOCK', 'TRANSACTION', 'START', 'ISOLATION', 'LEVEL', 'READ',
  'WRITE', 'ONLY', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'COALESCE', 'NOW',
])

/** Statement verbs that may follow a `WITH` clause. */
const MAIN_VERBS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE'])
/** Words after which a table name comes. */
const TABLE_BEFORE = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE'])
/** Words that cannot be a table name (e.g. `DELETE FROM ONLY t`, `INSERT INTO t`, `LOCK TABLE`). */
const NOT_TABLES = new Set(['ONLY', 'LATERAL', 'IF', 'NOT', 'EXISTS', 'SELECT', 'IGNORE', 'LOW_PRIORITY', 'TABLE', 'SET'])

/** Renders tokens as the fingerprint: values as `?`, all-value lists as `(...)`, runs of such lists as one. */
function render(tokens: readonly SqlToken[]): string {
  const parts: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (isPunct(token, '(')) {
      const end = valueListEnd(tokens, i)
      if (end !== -1) {
        // `VALUES (?, ?), (?, ?)` and `IN (?, ?, ?)` read the same whatever the count
        if (parts.at(-1) === ',' && parts.at(-2) === '(...)') parts.pop()
        else parts.push('(...)')
        i = end
        continue
      }
    }
    parts.push(text(token))
  }
  let out = ''
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const previous = parts[i - 1]
    const glued =
      previous === undefined || previous === '(' || previous === '.' || previous === ':' || part === ',' || part === ')' || part === '.' || part === ';' || part === ':' || (part === '(' && isCallee(previous) && !TABLE_BEFORE.has(parts[i - 2] ?? ''))
    out += glued ? part : ` ${part}`
  }
  return out
}

/** A function's name before its `(`: a lower-case name, or a keyword that is a function. */
function isCallee(part: string): boolean {
  return /^[a-z_][a-z0-9_$]*$/.test(part) || FUNCTION_KEYWORDS.has(part)
}

const FUNCTION_KEYWORDS = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'COALESCE', 'NOW', 'CAST', 'EXISTS', 'ANY', 'SOME'])

/** The index of the `)` closing a list of values only (`?`, `?`, ...) opened at `open`; -1 when it is anything else. */
function valueListEnd(tokens: readonly SqlToken[], open: number): number {
  let expectValue = true
  for (let i = open + 1; i < tokens.length; i++) {
    const token = tokens[i]!
    if (expectValue) {
      if (!isValue(token)) {
        // a negative number, or a value cast (`$1::int`) still counts as one value
        if (isPunct(token, '-') && isValue(tokens[i + 1])) continue
        return -1
      }
      expectValue = false
    } else if (isPunct(token, ',')) expectValue = true
    else if (isPunct(token, ')')) return i
    else if (isPunct(token, ':') && isPunct(tokens[i + 1], ':') && tokens[i + 2]?.kind === 'word') i += 2
    else return -1
  }
  return -1
}

function isValue(token: SqlToken | undefined): boolean {
  return token?.kind === 'literal' || token?.kind === 'param' || (token?.kind === 'word' && (token.text === 'NULL' || token.text === 'TRUE' || token.text === 'FALSE' || token.text === 'DEFAULT'))
}

function text(token: SqlToken): string {
  switch (token.kind) {
    case 'word':
      return KEYWORDS.has(token.text) ? token.text : token.text.toLowerCase()
    case 'quoted':
      return /^[a-z_][a-z0-9_$]*$/.test(token.text) ? token.text : `"${token.text.replaceAll('"', '""')}"`
    case 'literal':
    case 'param':
      return '?'
    case 'punct':
      return token.text
    case 'unterminated':
      return ''
  }
}

/** The main verb and the tables, by position: cheap, and right for the statements ORMs and people write. */
function operationAndTables(tokens: readonly SqlToken[]): { operation: string; tables: string[] } {
  const first = tokens[0]
  let operation = first?.kind === 'word' ? first.text : 'OTHER'
  const ctes = new Set<string>()
  let depth = 0
  if (operation === 'WITH') {
    operation = 'SELECT'
    for (let i = 1; i < tokens.length; i++) {
      const token = tokens[i]!
      if (isPunct(token, '(')) depth++
      else if (isPunct(token, ')')) depth--
      else if (depth === 0 && (token.kind === 'word' || token.kind === 'quoted') && isWord(tokens[i + 1], 'AS')) ctes.add(nameOf(token))
      else if (depth === 0 && token.kind === 'word' && MAIN_VERBS.has(token.text)) {
        operation = token.text
        break
      }
    }
  }
  const tables: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.kind !== 'word' || !TABLE_BEFORE.has(token.text)) continue
    // `FROM a, b`: a comma list of tables, each with an optional alias
    let j = i + 1
    for (;;) {
      while (isWordIn(tokens[j], NOT_TABLES)) j++
      const name = qualifiedName(tokens, j)
      if (name === undefined) break
      if (!ctes.has(name.name) && !tables.includes(name.name)) tables.push(name.name)
      j = name.next
      if (isWord(tokens[j], 'AS')) j++
      if (tokens[j]?.kind === 'word' && !KEYWORDS.has((tokens[j] as { text: string }).text)) j++
      else if (tokens[j]?.kind === 'quoted') j++
      if (!isPunct(tokens[j], ',') || token.text !== 'FROM') break
      j++
    }
  }
  return { operation, tables }
}

/** `schema.table` or `table` starting at `index`, lower-cased; undefined when no name starts there. */
function qualifiedName(tokens: readonly SqlToken[], index: number): { name: string; next: number } | undefined {
  const first = tokens[index]
  if (first === undefined || (first.kind !== 'word' && first.kind !== 'quoted')) return undefined
  if (first.kind === 'word' && KEYWORDS.has(first.text)) return undefined
  let name = nameOf(first)
  let next = index + 1
  while (isPunct(tokens[next], '.') && (tokens[next + 1]?.kind === 'word' || tokens[next + 1]?.kind === 'quoted')) {
    name += `.${nameOf(tokens[next + 1]!)}`
    next += 2
  }
  return { name, next }
}

function nameOf(token: SqlToken): string {
  return token.kind === 'word' || token.kind === 'quoted' ? token.text.toLowerCase() : ''
}

function isPunct(token: SqlToken | undefined, value: string): boolean {
  return token?.kind === 'punct' && token.text === value
}

function isWord(token: SqlToken | undefined, value: string): boolean {
  return token?.kind === 'word' && token.text === value
}

function isWordIn(token: SqlToken | undefined, words: ReadonlySet<string>): boolean {
  return token?.kind === 'word' && words.has(token.text)
}
