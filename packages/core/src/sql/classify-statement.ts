import { builtinVerdict } from './builtin-functions.js'
import type { FunctionCall, FunctionJudge } from './function-call.js'
import type { SqlFamily, SqlToken } from './lexer/token.js'
import type { StatementAnalysis } from './statement-analysis.js'
import type { StatementKind } from './statement-kind.js'
import { familyOf, tokenize, type TokenizeOptions } from './tokenize.js'

export type { StatementAnalysis } from './statement-analysis.js'

/**
 * Tells whether a statement only reads, from its text, for routing it to a
 * replica. The rule is "when in doubt, primary": a statement is a `read` only
 * if it starts like a query and nothing in it could write or lock:
 *
 * - no data-modifying keyword anywhere (a CTE may hide an INSERT/UPDATE/DELETE);
 * - no locking clause (`FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE`,
 *   `LOCK IN SHARE MODE`) in any position, executable comments included;
 * - no `INTO` (`SELECT ... INTO new_table`, `INTO OUTFILE`, `INTO @var`);
 * - every function it calls is known to be safe: a built-in that only reads,
 *   or one `judge` calls safe (the user's lists, the database's catalogue);
 *   sequences, advisory locks and unknown functions send it to the primary;
 * - no session variable assignment (`@a := 1`);
 * - `EXPLAIN ANALYZE` (or `ANALYSE`, or `EXPLAIN (ANALYZE ...)`) runs its
 *   statement, so it is a read only when that statement is;
 * - exactly one statement, and no text the tokenizer could not read one way.
 *
 * Comments, strings and quoted identifiers are reduced away first by the
 * family's own lexical rules (`lexer/`).
 */
export function classifyStatement(sql: string, family: SqlFamily | TokenizeOptions, judge?: FunctionJudge): StatementKind {
  return kindOf(analyzeStatement(sql, family), judge)
}

/** The kind of an analysed statement once its calls are judged: a `read` needs every call safe. */
export function kindOf(analysis: StatementAnalysis, judge?: FunctionJudge): StatementKind {
  if (analysis.kind !== 'read') return analysis.kind
  for (const call of analysis.calls) {
    const verdict = judge?.(call) ?? call.builtin
    if (verdict !== 'safe') return 'unknown'
  }
  return 'read'
}

/** Reads a statement's text by its family's rules (see `classifyStatement`). */
export function analyzeStatement(sql: string, family: SqlFamily | TokenizeOptions): StatementAnalysis {
  const f = familyOf(family)
  return analyzeTokens(tokenize(sql, f), f)
}

/** `classifyStatement()` on a statement already tokenized by `family`'s rules, without a function judge. */
export function classifyTokens(tokens: readonly SqlToken[], family: SqlFamily): StatementKind {
  return kindOf(analyzeTokens(tokens, family))
}

const UNKNOWN: StatementAnalysis = Object.freeze({ kind: 'unknown', calls: [] })
const WRITE: StatementAnalysis = Object.freeze({ kind: 'write', calls: [] })
const READ: StatementAnalysis = Object.freeze({ kind: 'read', calls: [] })

function analyzeTokens(tokens: readonly SqlToken[], family: SqlFamily): StatementAnalysis {
  if (tokens.length === 0) return UNKNOWN
  if (tokens.some((t) => t.kind === 'unterminated')) return UNKNOWN
  if (hasSecondStatement(tokens)) return UNKNOWN
  return analyzeStatementTokens(tokens, family)
}

function analyzeStatementTokens(tokens: readonly SqlToken[], family: SqlFamily): StatementAnalysis {
  // `(SELECT 1) UNION (SELECT 2)`: the first word decides
  let start = 0
  while (isPunct(tokens[start], '(')) start++
  const first = wordAt(tokens, start)
  if (first === undefined) return UNKNOWN
  if (first === 'SHOW') return READ
  if (first === 'EXPLAIN' || ((first === 'DESCRIBE' || first === 'DESC') && family === 'mysql')) return analyzeExplain(tokens, start + 1, family)
  if (!QUERY_STARTS.has(first)) return WRITE
  return analyzeQuery(tokens, start, family)
}

/**
 * `EXPLAIN [ANALYZE|ANALYSE] [VERBOSE] [(options)] [FORMAT=x] statement`: a
 * plain EXPLAIN only plans (a read, when its statement is one); with ANALYZE
 * it runs the statement, so anything but a read is a write.
 */
function analyzeExplain(tokens: readonly SqlToken[], from: number, family: SqlFamily): StatementAnalysis {
  let i = from
  let analyze = false
  for (;;) {
    const token = tokens[i]
    if (token === undefined) return UNKNOWN
    if (i === from && isPunct(token, '(')) {
      // PostgreSQL's option list: (ANALYZE, VERBOSE true, FORMAT json)
      const close = matchingParen(tokens, i)
      if (close === -1) return UNKNOWN
      for (let j = i + 1; j < close; j++) if (isAnalyze(tokens[j])) analyze = true
      i = close + 1
    } else if (isAnalyze(token)) {
      analyze = true
      i++
    } else if (token.kind === 'word' && EXPLAIN_OPTIONS.has(token.text)) {
      i++
    } else if (isPunct(token, '=') || (token.kind === 'word' && isPunct(tokens[i - 1], '='))) {
      // FORMAT=JSON
      i++
    } else {
      break
    }
  }
  const rest = tokens.slice(i)
  const inner = wordAt(rest, rest.findIndex((t) => !isPunct(t, '(')))
  // `EXPLAIN t` / `DESCRIBE t` (MySQL): the columns of a table
  if (inner === undefined || (!QUERY_STARTS.has(inner) && !WRITE_STARTS.has(inner))) {
    return !analyze && rest.every((t) => t.kind === 'word' || t.kind === 'quoted' || isPunct(t, '.')) && rest.length > 0 ? READ : UNKNOWN
  }
  const analysis = analyzeStatementTokens(rest, family)
  if (analysis.kind === 'read') return analysis
  return analyze ? WRITE : UNKNOWN
}

function isAnalyze(token: SqlToken | undefined): boolean {
  return token?.kind === 'word' && (token.text === 'ANALYZE' || token.text === 'ANALYSE')
}

/** A SELECT / WITH / VALUES / TABLE statement: a read unless something in it writes, locks or calls a function not known safe. */
function analyzeQuery(tokens: readonly SqlToken[], start: number, family: SqlFamily): StatementAnalysis {
  const calls: FunctionCall[] = []
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!
    // `:=` assigns a session variable
    if (isPunct(token, ':') && isPunct(tokens[i + 1], '=')) return UNKNOWN
    if (token.kind !== 'word' && token.kind !== 'quoted') continue
    if (isPunct(tokens[i + 1], '(') && !(token.kind === 'word' && PAREN_KEYWORDS.has(token.text)) && !namesColumns(tokens, i)) {
      const call = callAt(tokens, i, family)
      if (call === undefined || call.builtin === 'unsafe') return UNKNOWN
      calls.push(call)
      continue
    }
    if (token.kind !== 'word') continue
    if (WRITE_KEYWORDS.has(token.text)) return WRITE
    // @@last_insert_id, @@identity: this session's last insert, which another connection does not know
    if (SESSION_VARIABLES.has(token.text) && isSystemVariable(tokens, i)) return UNKNOWN
    if (token.text === 'FOR' && LOCK_STRENGTHS.has(wordAt(tokens, i + 1) ?? '')) return WRITE
    // MariaDB's sequences: NEXT VALUE FOR s, PREVIOUS VALUE FOR s
    if (token.text === 'FOR' && wordAt(tokens, i - 1) === 'VALUE') return UNKNOWN
  }
  return { kind: 'read', calls }
}

/** The function called at `i` (a name followed by `(`), or undefined when its name is more than `schema.name`. */
function callAt(tokens: readonly SqlToken[], i: number, family: SqlFamily): FunctionCall | undefined {
  const token = tokens[i] as Extract<SqlToken, { kind: 'word' | 'quoted' }>
  let schema: string | undefined
  if (isPunct(tokens[i - 1], '.')) {
    const qualifier = tokens[i - 2]
    if (qualifier?.kind !== 'word' && qualifier?.kind !== 'quoted') return undefined
    if (isPunct(tokens[i - 3], '.')) return undefined
    schema = nameOf(qualifier, family)
  }
  const name = nameOf(token, family)
  // a quoted name or one in a user's schema is never the built-in of the same name
  const builtinSpelling = token.kind === 'word' && (schema === undefined || (family === 'postgres' && schema === 'pg_catalog'))
  return { schema, name, builtin: builtinSpelling ? builtinVerdict(family, token.text) : undefined }
}

function nameOf(token: Extract<SqlToken, { kind: 'word' | 'quoted' }>, family: SqlFamily): string {
  if (token.kind === 'quoted') return family === 'postgres' ? token.text : token.text.toLowerCase()
  return token.text.toLowerCase()
}

/**
 * A name followed by a column list rather than called: `AS g(n)`, a CTE
 * `WITH t(a, b) AS (...)` or `, u(c) AS (...)`.
 */
function namesColumns(tokens: readonly SqlToken[], i: number): boolean {
  const before = wordAt(tokens, i - 1)
  if (before === 'AS' || before === 'WITH' || before === 'RECURSIVE') return true
  const close = matchingParen(tokens, i + 1)
  if (close === -1 || wordAt(tokens, close + 1) !== 'AS') return false
  // `f(x) AS (a int)` is a call with a column definition list: a CTE's body starts with a query
  const body = tokens[close + 2]
  if (isPunct(body, '(')) return isPunct(tokens[close + 3], '(') || CTE_BODY_STARTS.has(wordAt(tokens, close + 3) ?? '')
  return wordAt(tokens, close + 2) === 'MATERIALIZED' || wordAt(tokens, close + 2) === 'NOT'
}

/** Reserved words only a CTE's body can start with (never a column name of a definition list). */
const CTE_BODY_STARTS = new Set(['SELECT', 'WITH', 'TABLE'])

function matchingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++
    else if (isPunct(tokens[i], ')') && --depth === 0) return i
  }
  return -1
}

const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE'])
const WRITE_STARTS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'CREATE', 'DECLARE', 'EXECUTE'])
const EXPLAIN_OPTIONS = new Set(['VERBOSE', 'EXTENDED', 'PARTITIONS', 'FORMAT', 'QUERY', 'PLAN'])

/** Words that make a query write, lock, or leave the read-only path. */
const WRITE_KEYWORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'UPSERT', 'TRUNCATE',
  'CREATE', 'ALTER', 'DROP', 'GRANT', 'REVOKE', 'CALL', 'DO', 'COPY', 'LOAD',
  'INTO', 'LOCK', 'HANDLER', 'NOTIFY', 'LISTEN', 'SET',
])

/** System variables that hold what this session did (MySQL/MariaDB). */
const SESSION_VARIABLES = new Set(['LAST_INSERT_ID', 'IDENTITY', 'INSERT_ID'])

/** What may follow FOR in a locking clause. */
const LOCK_STRENGTHS = new Set(['UPDATE', 'SHARE', 'NO', 'KEY'])

/** Keywords that are followed by a parenthesis without being function calls. */
const PAREN_KEYWORDS = new Set([
  'IN', 'EXISTS', 'ANY', 'ALL', 'SOME', 'AS', 'ON', 'USING', 'FROM', 'JOIN', 'WHERE', 'AND', 'OR', 'NOT',
  'SELECT', 'VALUES', 'OVER', 'FILTER', 'WITHIN', 'PARTITION', 'BY', 'LATERAL', 'UNION', 'INTERSECT', 'EXCEPT',
  'ROW', 'ARRAY', 'CASE', 'WHEN', 'THEN', 'ELSE', 'HAVING', 'LIMIT', 'OFFSET', 'RECURSIVE', 'MATERIALIZED',
  'DISTINCT', 'BETWEEN', 'LIKE', 'ILIKE', 'IS', 'TABLE', 'WINDOW', 'GROUPING', 'SETS', 'CUBE', 'ROLLUP',
  'INNER', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ORDER', 'GROUP', 'ASC', 'DESC', 'WITH',
  'MATCH', 'AGAINST', 'MINUS',
  // type names in casts: x::numeric(10, 2), CAST(x AS varchar(20))
  'NUMERIC', 'DECIMAL', 'VARCHAR', 'CHAR', 'CHARACTER', 'VARYING', 'TIMESTAMP', 'TIME', 'INTERVAL', 'BIT',
  'FLOAT', 'DOUBLE', 'PRECISION', 'SIGNED', 'UNSIGNED', 'BINARY', 'VARBINARY',
])

/** `@@name`, `@@session.name`, `@@global.name`. */
function isSystemVariable(tokens: readonly SqlToken[], i: number): boolean {
  if (isPunct(tokens[i - 1], '@')) return isPunct(tokens[i - 2], '@')
  return isPunct(tokens[i - 1], '.') && (wordAt(tokens, i - 2) === 'SESSION' || wordAt(tokens, i - 2) === 'GLOBAL') && isPunct(tokens[i - 3], '@')
}

function wordAt(tokens: readonly SqlToken[], index: number): string | undefined {
  const token = tokens[index]
  return token?.kind === 'word' ? token.text : undefined
}

function isPunct(token: SqlToken | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text
}

export function hasSecondStatement(tokens: readonly SqlToken[]): boolean {
  const semicolon = tokens.findIndex((t) => isPunct(t, ';'))
  return semicolon !== -1 && tokens.slice(semicolon + 1).some((t) => !isPunct(t, ';'))
}
