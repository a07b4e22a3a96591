import type { ExecuteOptions, Params, PoolConnection, QueryResult } from '@sluice/core'
import { CompiledQuery } from 'kysely'
import { describe, expect, it } from 'vitest'
import { SQLITE_FLAVOR } from '../../src/dialect/sqlite/sqlite-flavor.js'
import { SluiceConnection } from '../../src/driver/sluice-connection.js'

/** A lease that answers from memory and records what was done with it. */
function stubLease(rows: number) {
  const calls: Array<{ sql: string; params: Params | undefined; options: ExecuteOptions | undefined }> = []
  const lease = {
    id: 'conn-1',
    healthScore: 100,
    released: false,
    destroyedBy: undefined as Error | undefined,
    returned: 0,
    async execute(sql: string, params?: Params, options?: ExecuteOptions): Promise<QueryResult> {
      calls.push({ sql, params, options })
      return { rows: [{ ok: 1 }], raw: [{ ok: 1 }] }
    },
    async *stream(_sql: string, _params?: Params, _options?: { chunkSize?: number }) {
      for (let n = 1; n <= rows; n++) yield { n }
    },
    release() {
      this.released = true
      this.returned++
    },
    destroy(reason?: Error) {
      this.released = true
      this.destroyedBy = reason
      this.returned++
    },
  }
  return { lease, calls, connection: new SluiceConnection(lease as unknown as PoolConnection, SQLITE_FLAVOR) }
}

describe('SluiceConnection', () => {
  it('runs statements through the lease with their parameters', async () => {
    const { connection, calls } = stubLease(0)
    const result = await connection.executeQuery(CompiledQuery.raw('select ?', [1]))
    expect(result.rows).toEqual([{ ok: 1 }])
    expect(calls).toEqual([{ sql: 'select ?', params: [1], options: undefined }])
  })

  it('hands streamed rows to Kysely in chunks of chunkSize', async () => {
    const { connection } = stubLease(10)
    const chunks: number[] = []
    for await (const chunk of connection.streamQuery(CompiledQuery.raw('select n'), 4)) chunks.push(chunk.rows.length)
    expect(chunks).toEqual([4, 4, 2])
  })

  it('gives the lease back once, and closes it instead after a failed rollback', () => {
    const healthy = stubLease(0)
    healthy.connection.release()
    healthy.connection.release()
    expect(healthy.lease.returned).toBe(1)
    expect(healthy.lease.destroyedBy).toBeUndefined()

    const broken = stubLease(0)
    const reason = new Error('rollback failed')
    broken.connection.discard(reason)
    broken.connection.release()
    expect(broken.lease.destroyedBy).toBe(reason)
  })
})
