import type { Dialect, QueryResult } from '../../src/dialect.js'

/** The stub's connection: a record of what was done to it. */
export interface StubConnection {
  readonly id: number
  open: boolean
  inTransaction: boolean
  statements: string[]
  lost?: (error: Error) => void
}

export class StubFatalError extends Error {
  readonly fatal = true
}

/**
 * A dialect with no database behind it, for unit tests of pure pool logic.
 * Statements it understands: `BEGIN`, `COMMIT`, `ROLLBACK`, `SELECT ...`
 * (returns `[{ n: 1 }]`), `FAIL` (a user SQL error), `FATAL` (a fatal one),
 * `HANG` (never settles) and `SLEEP <ms>` (real timers).
 */
export class StubDialect implements Dialect<StubConnection> {
  readonly kind = 'postgres' as const
  readonly description: string = 'stub://test'
  readonly defaultHealthCheckQuery = 'SELECT 1'
  readonly connections: StubConnection[] = []
  /** Make the next connects fail with this error (until cleared). */
  failConnect: Error | undefined
  /** Make pings fail with this error (until cleared). */
  failPing: Error | undefined
  /** Make pings hang forever. */
  hangPing = false
  connectAttempts = 0
  pings = 0
  resets = 0

  get open(): StubConnection[] {
    return this.connections.filter((c) => c.open)
  }

  async connect(): Promise<StubConnection> {
    this.connectAttempts++
    await Promise.resolve()
    if (this.failConnect) throw this.failConnect
    const connection: StubConnection = { id: this.connections.length + 1, open: true, inTransaction: false, statements: [] }
    this.connections.push(connection)
    return connection
  }

  async run(raw: StubConnection, sql: string): Promise<QueryResult> {
    if (!raw.open) throw new StubFatalError('connection is closed')
    raw.statements.push(sql)
    const word = sql.trim().split(/\s+/)[0]!.toUpperCase()
    switch (word) {
      case 'BEGIN':
        raw.inTransaction = true
        return { rows: [] }
      case 'COMMIT':
      case 'ROLLBACK':
        raw.inTransaction = false
        return { rows: [] }
      case 'FAIL':
        throw new Error('syntax error at or near "FAIL"')
      case 'FATAL':
        throw new StubFatalError('terminating connection due to administrator command')
      case 'HANG':
        return new Promise(() => {})
      case 'SLEEP':
        await new Promise((resolve) => setTimeout(resolve, Number(sql.split(/\s+/)[1])))
        return { rows: [] }
      default:
        return { rows: [{ n: 1 }, { n: 2 }, { n: 3 }], fields: [{ name: 'n' }], affectedRows: 3 }
    }
  }

  async ping(raw: StubConnection): Promise<void> {
    this.pings++
    if (this.hangPing) return new Promise(() => {})
    if (this.failPing) throw this.failPing
    if (!raw.open) throw new StubFatalError('connection is closed')
  }

  async reset(raw: StubConnection): Promise<void> {
    this.resets++
    raw.inTransaction = false
  }

  async close(raw: StubConnection): Promise<void> {
    raw.open = false
  }

  isFatal(error: unknown): boolean {
    return error instanceof StubFatalError
  }

  watch(raw: StubConnection, onLost: (error: Error) => void): void {
    raw.lost = onLost
  }

  inTransaction(raw: StubConnection): boolean {
    return raw.inTransaction
  }

  /** Simulates the server dropping a connection. */
  kill(raw: StubConnection): void {
    raw.open = false
    raw.lost?.(new StubFatalError('Connection terminated unexpectedly'))
  }
}
