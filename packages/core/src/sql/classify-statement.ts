import type { StatementKind } from '../dialect.js'
import { tokenize, type SqlToken, type TokenizeOptions } from '../sql/tokenize.js'

/**
 * Tells whether a statement only reads, from its text, for routing it to a
 * replica. The rule is "when in doubt, primary": a statement is a `read` only
 * if it starts like a query and nothing in it could write or lock:
 *
 * - no data-modifying keyword anywhere (a CTE may hide an INSERT/UPDATE/DELETE);
 * - no locking clause (`FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE`,
 *   `LOCK IN SHARE MODE`);
 * - no `INTO` (`SELECT ... INTO new_table`, `INTO OUTFILE`, `INTO @var`);
 * - every function it calls is one known to have no side effects (so
 *   `nextval()`, `pg_advisory_lock()`, `GET_LOCK()` or a user's function send
 *   it to the primary);
 * - no session variable assignment (`@a := 1`);
 * - exactly one statement, and no text the tokenizer could not close.
 *
 * Comments, strings and quoted identifiers are reduced away first, so a
 * keyword inside them changes nothing.
 */
export function classifyStatement(sql: string, options: TokenizeOptions): StatementKind {
  return classifyTokens(tokenize(sql, options))
}

/** `classifyStatement()` on a statement already tokenized. */
export function classifyTokens(tokens: readonly SqlToken[]): StatementKind {
  if (tokens.length === 0) return 'unknown'
  if (tokens.some((t) => t.kind === 'unterminated')) return 'unknown'
  if (hasSecondStatement(tokens)) return 'unknown'
  const first = wordAt(tokens, 0)
  if (first === undefined) return 'unknown'
  if (METADATA_READS.has(first)) return 'read'
  if (first === 'EXPLAIN') return tokens.some((t) => t.kind === 'word' && t.text === 'ANALYZE') ? 'unknown' : 'read'
  if (!QUERY_STARTS.has(first)) return 'write'

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    // a quoted name called like a function is a user's function; `:=` assigns a session variable
    if (token.kind === 'quoted' && isPunct(tokens[i + 1], '(')) return 'unknown'
    if (isPunct(token, ':') && isPunct(tokens[i + 1], '=')) return 'unknown'
    if (token.kind !== 'word') continue
    const calls = isPunct(tokens[i + 1], '(')
    if (calls) {
      if (!PURE_FUNCTIONS.has(token.text) && !PAREN_KEYWORDS.has(token.text)) return 'unknown'
      continue
    }
    if (WRITE_KEYWORDS.has(token.text)) return 'write'
    if (token.text === 'FOR' && LOCK_STRENGTHS.has(wordAt(tokens, i + 1) ?? '')) return 'write'
  }
  return 'read'
}

const QUERY_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE'])
const METADATA_READS = new Set(['SHOW', 'DESCRIBE', 'DESC'])

/** Words that make a query write, lock, or leave the read-only path. */
const WRITE_KEYWORDS = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'UPSERT', 'TRUNCATE',
  'CREATE', 'ALTER', 'DROP', 'GRANT', 'REVOKE', 'CALL', 'DO', 'COPY', 'LOAD',
  'INTO', 'LOCK', 'HANDLER', 'NOTIFY', 'LISTEN', 'SET',
])

/** What may follow FOR in a locking clause. */
const LOCK_STRENGTHS = new Set(['UPDATE', 'SHARE', 'NO', 'KEY'])

/** Keywords that are followed by a parenthesis without being function calls. */
const PAREN_KEYWORDS = new Set([
  'IN', 'EXISTS', 'ANY', 'ALL', 'SOME', 'AS', 'ON', 'USING', 'FROM', 'JOIN', 'WHERE', 'AND', 'OR', 'NOT',
  'SELECT', 'VALUES', 'OVER', 'FILTER', 'WITHIN', 'PARTITION', 'BY', 'LATERAL', 'UNION', 'INTERSECT', 'EXCEPT',
  'ROW', 'ARRAY', 'CASE', 'WHEN', 'THEN', 'ELSE', 'HAVING', 'LIMIT', 'OFFSET', 'RECURSIVE', 'MATERIALIZED',
  'DISTINCT', 'BETWEEN', 'LIKE', 'ILIKE', 'IS', 'TABLE', 'WINDOW', 'GROUPING', 'SETS', 'CUBE', 'ROLLUP',
  'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ORDER', 'GROUP', 'ASC', 'DESC',
  // type names in casts: x::numeric(10, 2), CAST(x AS varchar(20))
  'NUMERIC', 'DECIMAL', 'VARCHAR', 'CHAR', 'CHARACTER', 'VARYING', 'TIMESTAMP', 'TIME', 'INTERVAL', 'BIT',
  'FLOAT', 'DOUBLE', 'PRECISION', 'SIGNED', 'UNSIGNED', 'BINARY', 'VARBINARY',
])

/** Functions known to read only (no writes, locks, sequences or session changes). */
const PURE_FUNCTIONS = new Set([
  // aggregates and windows
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'ARRAY_AGG', 'STRING_AGG', 'GROUP_CONCAT', 'JSON_AGG', 'JSONB_AGG',
  'JSON_OBJECT_AGG', 'JSONB_OBJECT_AGG', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG', 'BOOL_AND', 'BOOL_OR', 'EVERY',
  'BIT_AND', 'BIT_OR', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VARIANCE', 'VAR_POP', 'VAR_SAMP',
  'PERCENTILE_CONT', 'PERCENTILE_DISC', 'MODE', 'ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK',
  'CUME_DIST', 'NTILE', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE',
  // conditionals and casts
  'COALESCE', 'NULLIF', 'GREATEST', 'LEAST', 'IFNULL', 'ISNULL', 'IF', 'IIF', 'CAST', 'CONVERT', 'TRY_CAST',
  // strings
  'LOWER', 'UPPER', 'LENGTH', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'OCTET_LENGTH', 'BIT_LENGTH', 'SUBSTR',
  'SUBSTRING', 'TRIM', 'LTRIM', 'RTRIM', 'BTRIM', 'CONCAT', 'CONCAT_WS', 'POSITION', 'STRPOS', 'INSTR',
  'LOCATE', 'LEFT', 'RIGHT', 'LPAD', 'RPAD', 'REPEAT', 'REVERSE', 'SPLIT_PART', 'STARTS_WITH', 'INITCAP',
  'TRANSLATE', 'REGEXP_REPLACE', 'REGEXP_MATCHES', 'REGEXP_MATCH', 'REGEXP_LIKE', 'REGEXP_SUBSTR', 'ASCII',
  'CHR', 'CHAR', 'MD5', 'SHA1', 'SHA2', 'ENCODE', 'DECODE', 'HEX', 'UNHEX', 'TO_HEX', 'QUOTE_IDENT',
  'QUOTE_LITERAL', 'FORMAT', 'PRINTF', 'REPLACE', 'INSERT', 'FIELD', 'FIND_IN_SET', 'SOUNDEX',
  // numbers
  'ABS', 'CEIL', 'CEILING', 'FLOOR', 'ROUND', 'TRUNC', 'TRUNCATE', 'MOD', 'POWER', 'POW', 'SQRT', 'EXP', 'LN',
  'LOG', 'LOG10', 'LOG2', 'SIGN', 'PI', 'DEGREES', 'RADIANS', 'SIN', 'COS', 'TAN', 'RANDOM', 'RAND', 'DIV',
  'TO_NUMBER', 'WIDTH_BUCKET',
  // dates and times
  'NOW', 'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP', 'CLOCK_TIMESTAMP',
  'STATEMENT_TIMESTAMP', 'TRANSACTION_TIMESTAMP', 'DATE_TRUNC', 'DATE_PART', 'EXTRACT', 'TO_CHAR', 'TO_DATE',
  'TO_TIMESTAMP', 'AGE', 'MAKE_DATE', 'MAKE_TIMESTAMP', 'MAKE_INTERVAL', 'DATE', 'YEAR', 'MONTH', 'DAY',
  'DAYOFWEEK', 'DAYOFYEAR', 'WEEK', 'HOUR', 'MINUTE', 'SECOND', 'DATEDIFF', 'TIMESTAMPDIFF', 'DATE_ADD',
  'DATE_SUB', 'ADDDATE', 'SUBDATE', 'DATE_FORMAT', 'STR_TO_DATE', 'UNIX_TIMESTAMP', 'FROM_UNIXTIME',
  'UTC_TIMESTAMP', 'CURDATE', 'CURTIME', 'SYSDATE', 'JULIANDAY', 'STRFTIME', 'DATETIME', 'UNIXEPOCH',
  // json and arrays
  'JSON_EXTRACT', 'JSON_UNQUOTE', 'JSON_OBJECT', 'JSON_ARRAY', 'JSON_BUILD_OBJECT', 'JSONB_BUILD_OBJECT',
  'JSON_BUILD_ARRAY', 'JSONB_BUILD_ARRAY', 'TO_JSON', 'TO_JSONB', 'ROW_TO_JSON', 'JSON_CONTAINS',
  'JSON_LENGTH', 'JSONB_ARRAY_ELEMENTS', 'JSON_ARRAY_ELEMENTS', 'JSONB_EACH', 'JSON_EACH', 'JSONB_SET',
  'JSON_SET', 'JSON_VALUE', 'JSON_QUERY', 'JSONB_PATH_QUERY', 'ARRAY_LENGTH', 'CARDINALITY', 'UNNEST',
  'ARRAY_POSITION', 'ARRAY_TO_STRING', 'STRING_TO_ARRAY', 'GENERATE_SERIES', 'TYPEOF',
  // identity of the session, not changing it
  'CURRENT_USER', 'SESSION_USER', 'USER', 'CURRENT_SCHEMA', 'CURRENT_DATABASE', 'DATABASE', 'VERSION',
  'CONNECTION_ID', 'PG_BACKEND_PID', 'GEN_RANDOM_UUID', 'UUID', 'PG_IS_IN_RECOVERY', 'PG_LAST_WAL_REPLAY_LSN',
  'PG_LAST_XACT_REPLAY_TIMESTAMP', 'CURRENT_SETTING', 'HAS_TABLE_PRIVILEGE', 'PG_TYPEOF', 'FORMAT_TYPE',
])

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
