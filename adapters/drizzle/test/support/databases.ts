import { PoolTimeoutError } from '@sluice/core'
import { DrizzleQueryError } from 'drizzle-orm'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

export { MYSQL_URL, PG_URL } from '../../../../packages/core/test/support/databases.js'

/** A fresh SQLite file in a temp directory that is removed after the file's tests. */
export function tempSqliteFile(name = 'drizzle.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-drizzle-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, name)
}

export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

/** Settles to the error a promise rejects with, or undefined when it resolves. */
export function errorOf(running: Promise<unknown>): Promise<unknown> {
  return running.then(
    () => undefined,
    (error: unknown) => error,
  )
}

/**
 * What a Drizzle app catches when Sluice's acquire times out under a query:
 * Drizzle 0.45 wraps every error of the client's `query()` in
 * `DrizzleQueryError` and keeps the original as `cause` (with a stock pool,
 * too). So "the ORM's own error class" for the suite is a DrizzleQueryError
 * caused by Sluice's PoolTimeoutError. (A transaction's acquire, through
 * `connect()` / `getConnection()`, is not wrapped: it rejects with
 * PoolTimeoutError itself.)
 */
export abstract class DrizzleAcquireTimeout extends Error {
  static override [Symbol.hasInstance](error: unknown): boolean {
    return error instanceof DrizzleQueryError && error.cause instanceof PoolTimeoutError
  }
}
