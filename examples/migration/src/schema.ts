import type { Pool } from '@sluice/core'

/** The legacy table on MySQL / MariaDB, as the seed's `users`. */
export const SOURCE_TABLE = 'legacy_users'
/** The new table on PostgreSQL: renamed columns, JSON as jsonb, keyed by the legacy id. */
export const TARGET_TABLE = 'migrated_users'

/** One legacy row as the source returns it. */
export interface LegacyUser {
  readonly id: number
  readonly email: string
  readonly name: string
  readonly created_at: Date
  /** JSON text (MariaDB's JSON is LONGTEXT) or, on MySQL, already parsed. */
  readonly metadata: string | Record<string, unknown> | null
}

/** The same user in the new shape. */
export interface NewUser {
  readonly legacy_id: number
  readonly email: string
  readonly full_name: string
  readonly created_at: Date
  readonly attributes: Record<string, unknown> | null
}

export function transform(row: LegacyUser): NewUser {
  const metadata = typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : row.metadata
  return { legacy_id: Number(row.id), email: row.email, full_name: row.name.trim(), created_at: row.created_at, attributes: metadata }
}

export async function createTargetTable(target: Pool): Promise<void> {
  await target.query(`CREATE TABLE IF NOT EXISTS ${TARGET_TABLE} (
    legacy_id BIGINT PRIMARY KEY,
    email TEXT NOT NULL,
    full_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attributes JSONB,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`)
}

/** The seed's upsert: run again over the same rows, it changes nothing but `updated_at`, so a resumed batch is safe. */
export const UPSERT = `INSERT INTO ${TARGET_TABLE} (legacy_id, email, full_name, created_at, attributes)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (legacy_id) DO UPDATE
  SET email = EXCLUDED.email, full_name = EXCLUDED.full_name, created_at = EXCLUDED.created_at,
      attributes = EXCLUDED.attributes, updated_at = now()`

export function upsertParams(user: NewUser): unknown[] {
  return [user.legacy_id, user.email, user.full_name, user.created_at, user.attributes === null ? null : JSON.stringify(user.attributes)]
}
