/**
 * Kysely's own tooling on Sluice: the Migrator (with its lock and its
 * transactions) and the introspector of each database.
 */
import { Kysely, Migrator } from 'kysely'
import type { Migration } from 'kysely'
import { describe, expect, it } from 'vitest'
import { sluiceOf } from '../../src/index.js'
import { allTargets } from '../support/targets.js'

const migrations: Record<string, Migration> = {
  '001_customers': {
    up: async (db) => {
      await db.schema.createTable('kysely_mig_customers').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('email', 'varchar(200)', (c) => c.notNull().unique()).execute()
    },
    down: async (db) => {
      await db.schema.dropTable('kysely_mig_customers').execute()
    },
  },
  '002_orders': {
    up: async (db) => {
      await db.schema
        .createTable('kysely_mig_orders')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('customer_id', 'integer', (c) => c.notNull().references('kysely_mig_customers.id'))
        .execute()
    },
    down: async (db) => {
      await db.schema.dropTable('kysely_mig_orders').execute()
    },
  },
}

for (const target of allTargets()) {
  describe(`${target.database}: Kysely tooling`, () => {
    it('migrates up and down with the Migrator, and the introspector sees the tables', async () => {
      const db = new Kysely<any>({ dialect: target.sluice({ max: 3 }) })
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => migrations },
        // own table names, so a real kysely_migration table in the test database is left alone
        migrationTableName: 'kysely_sluice_migration',
        migrationLockTableName: 'kysely_sluice_migration_lock',
      })
      try {
        await cleanUp(db)
        const up = await migrator.migrateToLatest()
        expect(up.error).toBeUndefined()
        expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual([
          ['001_customers', 'Success'],
          ['002_orders', 'Success'],
        ])
        const tables = await db.introspection.getTables()
        const orders = tables.find((t) => t.name === 'kysely_mig_orders')
        expect(orders?.columns.map((c) => c.name).sort()).toEqual(['customer_id', 'id'])

        const down = await migrator.migrateTo('001_customers')
        expect(down.results?.map((r) => [r.migrationName, r.direction, r.status])).toEqual([['002_orders', 'Down', 'Success']])
        expect((await db.introspection.getTables()).some((t) => t.name === 'kysely_mig_orders')).toBe(false)
        expect(sluiceOf(db).stats().currentState.activeConnections).toBe(0)
      } finally {
        await cleanUp(db)
        await db.destroy()
      }
    })
  })
}

async function cleanUp(db: Kysely<any>): Promise<void> {
  for (const table of ['kysely_mig_orders', 'kysely_mig_customers', 'kysely_sluice_migration', 'kysely_sluice_migration_lock']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
