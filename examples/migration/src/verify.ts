import { createHash } from 'node:crypto'
import type { Pool } from '@sluice/core'
import { SOURCE_TABLE, TARGET_TABLE, transform, type LegacyUser, type NewUser } from './schema.js'

export interface Verification {
  readonly sourceRows: number
  readonly targetRows: number
  readonly sourceChecksum: string
  readonly targetChecksum: string
  readonly matches: boolean
}

const PAGE = 1_000

/**
 * Counts both tables and hashes every row of each, in key order, in the new
 * shape (the source's rows transformed as the migration did): equal counts
 * and equal SHA-256 digests mean every row arrived, once, unchanged.
 */
export async function verify(source: Pool, target: Pool): Promise<Verification> {
  const [sourceSide, targetSide] = await Promise.all([
    digest((after) =>
      source.query<LegacyUser>(`SELECT id, email, name, created_at, metadata FROM ${SOURCE_TABLE} WHERE id > ? ORDER BY id LIMIT ?`, [after, PAGE]).then((rows) => rows.map(transform)),
    ),
    digest((after) =>
      target.query<NewUser>(`SELECT legacy_id, email, full_name, created_at, attributes FROM ${TARGET_TABLE} WHERE legacy_id > $1 ORDER BY legacy_id LIMIT $2`, [after, PAGE]),
    ),
  ])
  return {
    sourceRows: sourceSide.rows,
    targetRows: targetSide.rows,
    sourceChecksum: sourceSide.checksum,
    targetChecksum: targetSide.checksum,
    matches: sourceSide.rows === targetSide.rows && sourceSide.checksum === targetSide.checksum,
  }
}

async function digest(page: (after: number) => Promise<NewUser[]>): Promise<{ rows: number; checksum: string }> {
  const hash = createHash('sha256')
  let rows = 0
  let after = 0
  for (;;) {
    const batch = await page(after)
    for (const user of batch) hash.update(`${canonical(user)}\n`)
    rows += batch.length
    if (batch.length < PAGE) break
    after = Number(batch.at(-1)!.legacy_id)
  }
  return { rows, checksum: hash.digest('hex') }
}

/** One row as text both sides agree on: the instant in ISO form, JSON with sorted keys (jsonb reorders them). */
function canonical(user: NewUser): string {
  return JSON.stringify([Number(user.legacy_id), user.email, user.full_name, new Date(user.created_at).toISOString(), sortKeys(user.attributes)])
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
}
