import type { SqlFamily } from './lexer/token.js'

/**
 * What the classifier knows about built-in functions without asking the
 * database: the ones that only read (so a statement calling them may run on
 * a replica), and the ones that write, lock, take a sequence value or change
 * the session although they are called from a SELECT. Everything else is
 * judged by the database's catalogue (PostgreSQL) or sent to the primary.
 */

/** Read-only everywhere (standard SQL and the common spellings of every family). */
const COMMON_SAFE = [
  // aggregates and windows
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VARIANCE', 'VAR_POP', 'VAR_SAMP',
  'BIT_AND', 'BIT_OR', 'ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE', 'LAG', 'LEAD',
  'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG',
  // conditionals and casts
  'COALESCE', 'NULLIF', 'GREATEST', 'LEAST', 'CAST',
  // strings
  'LOWER', 'UPPER', 'LENGTH', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'OCTET_LENGTH', 'BIT_LENGTH', 'SUBSTR',
  'SUBSTRING', 'TRIM', 'LTRIM', 'RTRIM', 'CONCAT', 'CONCAT_WS', 'POSITION', 'LEFT', 'RIGHT', 'LPAD', 'RPAD',
  'REPEAT', 'REVERSE', 'REPLACE', 'TRANSLATE', 'REGEXP_REPLACE', 'REGEXP_LIKE', 'REGEXP_SUBSTR', 'ASCII', 'MD5',
  'SHA1', 'SHA2', 'HEX', 'FORMAT', 'OVERLAY',
  // numbers
  'ABS', 'CEIL', 'CEILING', 'FLOOR', 'ROUND', 'TRUNC', 'MOD', 'POWER', 'POW', 'SQRT', 'EXP', 'LN', 'LOG', 'LOG10',
  'LOG2', 'SIGN', 'PI', 'DEGREES', 'RADIANS', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'ATAN2', 'COT',
  // dates and times
  'NOW', 'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP', 'EXTRACT',
  // json
  'JSON_OBJECT', 'JSON_ARRAY', 'JSON_VALUE', 'JSON_QUERY', 'JSON_EXISTS',
]

const POSTGRES_SAFE = [
  'ARRAY_AGG', 'STRING_AGG', 'JSON_AGG', 'JSONB_AGG', 'JSON_OBJECT_AGG', 'JSONB_OBJECT_AGG', 'BOOL_AND', 'BOOL_OR',
  'EVERY', 'PERCENTILE_CONT', 'PERCENTILE_DISC', 'MODE', 'BTRIM', 'STRPOS', 'SPLIT_PART', 'STARTS_WITH',
  'INITCAP', 'REGEXP_MATCHES', 'REGEXP_MATCH', 'CHR', 'ENCODE', 'DECODE', 'TO_HEX', 'QUOTE_IDENT',
  'QUOTE_LITERAL', 'QUOTE_NULLABLE', 'RANDOM', 'DIV', 'TO_NUMBER', 'WIDTH_BUCKET', 'CLOCK_TIMESTAMP',
  'STATEMENT_TIMESTAMP', 'TRANSACTION_TIMESTAMP', 'DATE_TRUNC', 'DATE_PART', 'TO_CHAR', 'TO_DATE', 'TO_TIMESTAMP',
  'AGE', 'MAKE_DATE', 'MAKE_TIMESTAMP', 'MAKE_INTERVAL', 'JSON_BUILD_OBJECT', 'JSONB_BUILD_OBJECT',
  'JSON_BUILD_ARRAY', 'JSONB_BUILD_ARRAY', 'TO_JSON', 'TO_JSONB', 'ROW_TO_JSON', 'JSONB_ARRAY_ELEMENTS',
  'JSON_ARRAY_ELEMENTS', 'JSONB_EACH', 'JSON_EACH', 'JSONB_SET', 'JSONB_PATH_QUERY', 'JSONB_PRETTY',
  'JSONB_EXTRACT_PATH_TEXT', 'JSON_EXTRACT_PATH_TEXT', 'ARRAY_LENGTH', 'CARDINALITY', 'UNNEST', 'ARRAY_POSITION',
  'ARRAY_TO_STRING', 'STRING_TO_ARRAY', 'GENERATE_SERIES', 'CURRENT_USER', 'SESSION_USER', 'USER',
  'CURRENT_SCHEMA', 'CURRENT_SCHEMAS', 'CURRENT_DATABASE', 'VERSION', 'PG_BACKEND_PID', 'GEN_RANDOM_UUID',
  'PG_IS_IN_RECOVERY', 'PG_LAST_WAL_REPLAY_LSN', 'PG_LAST_XACT_REPLAY_TIMESTAMP', 'CURRENT_SETTING',
  'HAS_TABLE_PRIVILEGE', 'PG_TYPEOF', 'FORMAT_TYPE',
]

const MYSQL_SAFE = [
  'GROUP_CONCAT', 'IFNULL', 'ISNULL', 'IF', 'CONVERT', 'INSTR', 'LOCATE', 'CHAR', 'UNHEX', 'FIELD', 'FIND_IN_SET',
  'SOUNDEX', 'INSERT', 'RAND', 'TRUNCATE', 'DATE', 'YEAR', 'MONTH', 'DAY', 'DAYOFWEEK', 'DAYOFYEAR', 'WEEK',
  'HOUR', 'MINUTE', 'SECOND', 'DATEDIFF', 'TIMESTAMPDIFF', 'DATE_ADD', 'DATE_SUB', 'ADDDATE', 'SUBDATE',
  'DATE_FORMAT', 'STR_TO_DATE', 'UNIX_TIMESTAMP', 'FROM_UNIXTIME', 'UTC_TIMESTAMP', 'CURDATE', 'CURTIME',
  'SYSDATE', 'JSON_EXTRACT', 'JSON_UNQUOTE', 'JSON_CONTAINS', 'JSON_LENGTH', 'JSON_SET', 'JSON_KEYS',
  'JSON_TYPE', 'CURRENT_USER', 'USER', 'DATABASE', 'SCHEMA', 'VERSION', 'CONNECTION_ID', 'UUID', 'STRCMP',
]

const SQLITE_SAFE = [
  'GROUP_CONCAT', 'IFNULL', 'IIF', 'INSTR', 'CHAR', 'UNHEX', 'PRINTF', 'RANDOM', 'TYPEOF', 'DATE', 'TIME',
  'DATETIME', 'JULIANDAY', 'STRFTIME', 'UNIXEPOCH', 'JSON_EXTRACT', 'JSON_EACH', 'JSON_ARRAY_LENGTH',
  'QUOTE', 'ZEROBLOB', 'GLOB', 'LIKELIHOOD', 'TOTAL',
]

/** Built-ins that write, lock, take a sequence value or change the session though a SELECT calls them. */
const POSTGRES_UNSAFE = [
  'NEXTVAL', 'SETVAL', 'CURRVAL', 'LASTVAL', 'SET_CONFIG', 'TXID_CURRENT', 'PG_CURRENT_XACT_ID',
  'PG_ADVISORY_LOCK', 'PG_ADVISORY_LOCK_SHARED', 'PG_ADVISORY_XACT_LOCK', 'PG_ADVISORY_XACT_LOCK_SHARED',
  'PG_TRY_ADVISORY_LOCK', 'PG_TRY_ADVISORY_LOCK_SHARED', 'PG_TRY_ADVISORY_XACT_LOCK',
  'PG_TRY_ADVISORY_XACT_LOCK_SHARED', 'PG_ADVISORY_UNLOCK', 'PG_ADVISORY_UNLOCK_SHARED', 'PG_ADVISORY_UNLOCK_ALL',
  'PG_NOTIFY', 'PG_CURRENT_WAL_LSN', 'DBLINK_EXEC', 'LO_CREATE', 'LO_UNLINK', 'LO_IMPORT',
]

const MYSQL_UNSAFE = [
  'GET_LOCK', 'RELEASE_LOCK', 'RELEASE_ALL_LOCKS', 'IS_FREE_LOCK', 'IS_USED_LOCK', 'LAST_INSERT_ID', 'NEXTVAL',
  'SETVAL', 'LASTVAL', 'MASTER_POS_WAIT', 'SOURCE_POS_WAIT', 'FOUND_ROWS', 'ROW_COUNT',
]

const SAFE: Readonly<Record<SqlFamily, ReadonlySet<string>>> = {
  postgres: new Set([...COMMON_SAFE, ...POSTGRES_SAFE]),
  mysql: new Set([...COMMON_SAFE, ...MYSQL_SAFE]),
  sqlite: new Set([...COMMON_SAFE, ...SQLITE_SAFE]),
}

const UNSAFE: Readonly<Record<SqlFamily, ReadonlySet<string>>> = {
  postgres: new Set(POSTGRES_UNSAFE),
  mysql: new Set(MYSQL_UNSAFE),
  sqlite: new Set<string>(),
}

/** What the classifier knows of an unqualified built-in `name` (upper-cased): undefined when it is not one it knows. */
export function builtinVerdict(family: SqlFamily, name: string): 'safe' | 'unsafe' | undefined {
  if (UNSAFE[family].has(name)) return 'unsafe'
  if (SAFE[family].has(name)) return 'safe'
  return undefined
}
