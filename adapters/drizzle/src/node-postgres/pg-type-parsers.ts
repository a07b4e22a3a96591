import type { PgTypeParsers } from './pg-driver-types.js'

/**
 * The types Drizzle's node-postgres session reads as text, by OID: timestamptz,
 * timestamp, date, interval, and the arrays of numeric, timestamp,
 * timestamptz, interval and date. Drizzle's columns parse these strings
 * themselves (a timestamp without time zone is UTC to Drizzle, local time to pg).
 */
const TEXT_TYPES: ReadonlySet<number> = new Set([1184, 1114, 1082, 1186, 1231, 1115, 1185, 1187, 1182])

const asText = (value: string): string => value

/**
 * The type parsers Drizzle passes with every statement (`query({ types })`),
 * set once on the pool's connections instead: Sluice runs statements without
 * per-statement parsers, so each connection parses as Drizzle's statements
 * ask. Other types use `types` (pg's global parsers), as Drizzle's do.
 */
export function drizzleTypeParsers(types: PgTypeParsers): PgTypeParsers {
  return {
    getTypeParser: (oid: number, format?: unknown) => (TEXT_TYPES.has(oid) ? asText : types.getTypeParser(oid, format)),
  }
}
