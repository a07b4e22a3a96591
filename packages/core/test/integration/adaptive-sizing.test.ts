import { afterEach, describe, expect, it } from 'vitest'
import type { ServerRoom } from '../../src/dialect.js'
import type { SizeChange } from '../../src/learning/size-change.js'
import { createPool, type Pool } from '../../src/pool.js'
import { TEST_PASSWORD } from '../support/databases.js'
import { selectedTargets } from '../support/targets.js'

/**
 * Adaptive sizing against the real servers: the server's room is read from
 * the server's own settings and sessions, and the pool never opens beyond it
 * minus `reservedConnections`, however many callers wait.
 */
for (const target of selectedTargets().filter((t) => t.name !== 'sqlite')) {
  describe(`adaptive sizing on ${target.name}`, () => {
    const pools: Pool[] = []
    const logs: string[] = []
    afterEach(async () => {
      await Promise.all(pools.splice(0).map((pool) => pool.close()))
      expect(logs.join('\n')).not.toContain(TEST_PASSWORD)
      logs.length = 0
    })

    /** The server's settings, read as a DBA would. */
    async function settings(pool: Pool): Promise<{ max: number; reserved: number; inUse: number }> {
      if (target.name === 'postgres') {
        const row = (await pool.query(
          "SELECT current_setting('max_connections')::int AS max, current_setting('superuser_reserved_connections')::int AS reserved, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS in_use",
          [],
          { fetch: 'one' },
        )) as Record<string, unknown>
        return { max: Number(row.max), reserved: Number(row.reserved), inUse: Number(row.in_use) }
      }
      const limit = (await pool.query('SELECT @@max_connections AS max', [], { fetch: 'one' })) as Record<string, unknown>
      const status = (await pool.query("SHOW GLOBAL STATUS LIKE 'Threads_connected'", [], { fetch: 'one' })) as Record<string, unknown>
      return { max: Number(limit.max), reserved: 0, inUse: Number(status.Value) }
    }

    it("reads the server's limit, its superuser reserve and the sessions open on it", async () => {
      const dialect = target.dialect()
      const raw = await dialect.connect()
      try {
        const room: ServerRoom = await dialect.serverRoom!(raw)
        const probe = createPool({ dialect: target.dialect(), min: 0, max: 1, log: false })
        pools.push(probe)
        const expected = await settings(probe)
        expect(room.maxConnections).toBe(expected.max)
        expect(room.reservedForSuperuser).toBe(expected.reserved)
        // this connection, the probe's, and whoever else is connected (other tests come and go)
        expect(room.inUse).toBeGreaterThanOrEqual(1)
        expect(Math.abs(room.inUse - expected.inUse)).toBeLessThanOrEqual(10)
      } finally {
        await dialect.close(raw)
      }
    })

    it('never opens beyond the room minus reservedConnections, however many callers wait', async () => {
      const probe = createPool({ dialect: target.dialect(), min: 0, max: 1, log: false })
      pools.push(probe)
      const server = await settings(probe)
      await probe.close()
      // leave the pool room for about 3 connections of its own
      const free = server.max - server.reserved - (server.inUse - 1)
      const reservedConnections = Math.max(0, free - 3)
      const pool = createPool({
        dialect: target.dialect(),
        min: 1,
        max: 20,
        sizing: 'adaptive',
        reservedConnections,
        acquireTimeoutMillis: 20_000,
        log: (level, message) => logs.push(`${level}: ${message}`),
      })
      pools.push(pool)
      let open = 0
      let peakOpen = 0
      const ceilings: number[] = []
      pool.on('connect', () => {
        peakOpen = Math.max(peakOpen, ++open)
        ceilings.push(pool.stats().sizing!.ceiling)
      })
      pool.on('remove', () => open--)
      const changes: SizeChange[] = []
      pool.on('resize', (change) => changes.push(change))
      await pool.ready()
      // twelve callers at once, three times: a fixed pool would open twelve
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 12 }, () => pool.query(target.sleepSql!(0.05))))
      }
      const sizing = pool.stats().sizing!
      expect(sizing.mode).toBe('adaptive')
      expect(sizing.serverRoom).toMatchObject({ maxConnections: server.max, reservedForSuperuser: server.reserved })
      // others connect and disconnect on a shared server: allow them a few
      expect(sizing.ceiling).toBeLessThanOrEqual(6)
      expect(peakOpen).toBeLessThanOrEqual(Math.max(...ceilings))
      expect(peakOpen).toBeLessThan(12)
      expect(sizing.target).toBeLessThanOrEqual(sizing.ceiling)
      expect(pool.stats().connections.acquireTimeouts).toBe(0)
      expect(changes.every((c) => c.to <= 20)).toBe(true)
    })
  })
}
