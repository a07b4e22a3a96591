/**
 * Knex's migrations on Sluice, as users run them: `knex.migrate.*` on every
 * database, the `knex migrate:latest` CLI from a knexfile, and
 * `knex.withUserParams()`, which the Migrator uses to copy the client.
 */
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Knex } from 'knex'
import { afterAll, describe, expect, it } from 'vitest'
import { sluiceOf } from '@sluice/knex'
import { PG_URL } from '../../../../packages/core/test/support/databases.js'
import { removeSqliteFile, sluiceKnex } from '../support/knex-harness.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
const MIGRATIONS = { directory: join(FIXTURES, 'migrations'), tableName: 'sluice_mig_log', loadExtensions: ['.mjs'] }
const TABLES = ['sluice_mig_people', 'sluice_mig_pets', 'sluice_mig_log', 'sluice_mig_log_lock', 'sluice_mig_cli_log', 'sluice_mig_cli_log_lock']

afterAll(removeSqliteFile)

async function dropFixtureTables(db: Knex): Promise<void> {
  for (const table of TABLES) await db.schema.dropTableIfExists(table)
}

for (const database of ['postgres', 'mysql', 'sqlite'] as const) {
  describe(`knex migrations on Sluice, ${database}`, () => {
    it('runs latest, status, rollback, up and down through the Migrator (which copies the client)', async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 }, { migrations: MIGRATIONS })
      try {
        await dropFixtureTables(db)
        expect(await db.migrate.latest()).toEqual([1, ['001_people.mjs', '002_pets.mjs']])
        expect(await db.migrate.status()).toBe(0)
        expect(await db('sluice_mig_people').select('name')).toEqual([{ name: 'Ada' }])
        expect(await db.migrate.currentVersion()).toBe('002')

        expect(await db.migrate.rollback()).toEqual([1, ['002_pets.mjs', '001_people.mjs']])
        expect(await db.schema.hasTable('sluice_mig_people')).toBe(false)
        expect(await db.migrate.status()).toBe(-2)

        expect(await db.migrate.up()).toEqual([1, ['001_people.mjs']])
        expect(await db.migrate.status()).toBe(-1)
        expect(await db.migrate.up()).toEqual([2, ['002_pets.mjs']])
        expect(await db.schema.hasTable('sluice_mig_pets')).toBe(true)
        expect(await db.migrate.down()).toEqual([2, ['002_pets.mjs']])
        expect(await db.schema.hasTable('sluice_mig_pets')).toBe(false)
        const [completed, pending] = (await db.migrate.list()) as [unknown[], unknown[]]
        expect([completed.length, pending.length]).toEqual([1, 1])
        await db.migrate.rollback(undefined, true)
        // the Migrator's copies borrowed and gave back through the one pool
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      } finally {
        await dropFixtureTables(db).finally(() => db.destroy())
      }
    })

    it('runs queries through knex.withUserParams() on the same pool, with the params attached', async () => {
      const db = sluiceKnex(database, { min: 0, max: 2 })
      try {
        const withParams = db.withUserParams({ tenant: 'acme' })
        expect(withParams.userParams).toEqual({ tenant: 'acme' })
        expect(await withParams.raw('select 1 as one')).toBeDefined()
        await withParams.transaction(async (trx) => {
          await trx.raw('select 1 as one')
        })
        expect(sluiceOf(withParams)).toBe(sluiceOf(db))
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      } finally {
        await db.destroy()
      }
    })
  })
}

describe('knex migrations on Sluice: the CLI', () => {
  it('runs `knex migrate:latest` and `migrate:rollback --all` from a knexfile that uses SluicePg', async () => {
    const require = createRequire(import.meta.url)
    const cli = join(dirname(require.resolve('knex/package.json')), 'bin', 'cli.js')
    // the knexfile imports the adapter's TypeScript source, as the tests do
    const env = { ...process.env, SLUICE_KNEXFILE_URL: PG_URL, NODE_OPTIONS: '--conditions=@sluice/source --import tsx' }
    const knexfile = join(FIXTURES, 'knexfile.mjs')
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args, '--knexfile', knexfile], { env, cwd: FIXTURES })
    const db = sluiceKnex('postgres', { min: 0, max: 1 })
    try {
      await dropFixtureTables(db)
      const latest = await run('migrate:latest')
      expect(latest.stdout).toContain('Batch 1 run: 2 migrations')
      expect(await db('sluice_mig_people').select('name')).toEqual([{ name: 'Ada' }])
      const rollback = await run('migrate:rollback', '--all')
      expect(rollback.stdout).toContain('Batch 1 rolled back: 2 migrations')
      expect(await db.schema.hasTable('sluice_mig_people')).toBe(false)
    } finally {
      await dropFixtureTables(db).finally(() => db.destroy())
    }
  })
})
