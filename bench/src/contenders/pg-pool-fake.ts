import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { type ContenderHost, contenderCache } from '../harness/hosted.js'
import { closedLoop, cycleMeasurer } from '../harness/load.js'
import { StubResource, checkLending } from './stub-resource.js'

/**
 * A pg `Client` look-alike that connects to nothing. pg-pool takes the
 * client class as its `Client` option and only needs connect(cb), end(cb),
 * the EventEmitter surface and the `_queryable`/`_ending` flags it reads on
 * release; everything else it does is its own bookkeeping, which is what
 * `pool-overhead` measures.
 */
class FakePgClient extends EventEmitter {
  readonly resource = new StubResource()
  _queryable = true
  _ending = false
  release!: (error?: Error) => void

  /** Answers every statement with one row on the next microtask, as the stub dialect does for Sluice. */
  query(_text: string, values: unknown, callback?: (error: Error | undefined, result: unknown) => void): void {
    const cb = typeof values === 'function' ? (values as typeof callback) : callback
    queueMicrotask(() => cb?.(undefined, FAKE_RESULT))
  }

  connect(callback: (error?: Error) => void): void {
    // a real connect completes on a later turn; so does this one
    process.nextTick(callback)
  }

  end(callback?: () => void): void {
    this._ending = true
    this._queryable = false
    this.resource.alive = false
    process.nextTick(() => {
      this.emit('end')
      callback?.()
    })
  }
}

const FAKE_RESULT = Object.freeze({ rows: [{ one: 1 }], rowCount: 1, command: 'SELECT', fields: [] })

interface PgPoolLike {
  connect(): Promise<FakePgClient>
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>
  end(): Promise<void>
}

// pg-pool ships no types; this is the little of it the benchmark touches
const PgPool = createRequire(import.meta.url)('pg-pool') as new (options: Record<string, unknown>) => PgPoolLike

/**
 * pg-pool 3 (what `pg.Pool` is) over the fake client. Default: 10 s idle
 * timeout (a timer armed on every release), FIFO queue, no connection
 * timeout. Tuned: `idleTimeoutMillis: 0`, its fastest documented setting
 * (no idle timer at all). Kinds: `cycles` (connect + release) and `query`
 * (`pool.query()`, the pool's query path with no driver underneath).
 */
export async function pgPoolOverheadHost(max: number, tuned: boolean): Promise<ContenderHost> {
  const pool = new PgPool({ Client: FakePgClient, max, ...(tuned ? { idleTimeoutMillis: 0 } : {}) })
  const adapter = {
    acquire: () => pool.connect(),
    release: (client: FakePgClient) => client.release(),
  }
  const meta = { name: tuned ? 'pg-pool, idleTimeoutMillis: 0' : 'pg-pool', role: 'peer' as const, library: 'pg-pool', isDefault: !tuned }
  return {
    meta,
    contender: contenderCache(meta, (kind) =>
      kind === 'cycles'
        ? { check: () => checkLending(adapter.acquire, adapter.release, (c) => c.resource, max), measure: cycleMeasurer(adapter) }
        : {
            check: async () => {
              const { rows } = await pool.query('SELECT 1 AS one')
              if (rows[0]?.one !== 1) throw new Error(`pool.query returned ${JSON.stringify(rows)}`)
            },
            measure: (options) => closedLoop(() => pool.query('SELECT 1 AS one'), options),
          },
    ),
    close: () => pool.end(),
  }
}
