import Database from 'better-sqlite3'
import { ACCOUNT_ROWS, expectedBalance } from '../config.js'

/**
 * better-sqlite3 used directly: one handle, statements prepared once, called
 * synchronously. Nothing async can beat it (a pool can only add to it), so
 * it is the ceiling for Sluice's SQLite dialect, not a peer.
 *
 * It runs with the settings Sluice's sqlite dialect applies to a file by
 * default (WAL, synchronous NORMAL, foreign keys on, 5 s busy timeout), so
 * the two do the same work per statement.
 */
export function openDirect(filename: string): {
  db: Database.Database
  point: (id: number) => unknown[]
  insert: (name: string, qty: number) => Database.RunResult
  close: () => void
} {
  const db = new Database(filename, { timeout: 5000 })
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  // `.all()`, as Sluice's dialect runs a reader, so both return an array of row objects
  const point = db.prepare('SELECT * FROM bench_accounts WHERE id = ?')
  const insert = db.prepare('INSERT INTO bench_items (name, qty) VALUES (?, ?)')
  return {
    db,
    point: (id) => point.all(id),
    insert: (name, qty) => insert.run(name, qty),
    close: () => db.close(),
  }
}

/** The SQLite fixture: bench_accounts as on the servers, and an empty bench_items for inserts. */
export function createSqliteFixture(filename: string): void {
  const db = new Database(filename)
  try {
    db.pragma('journal_mode = WAL')
    db.exec('DROP TABLE IF EXISTS bench_accounts; DROP TABLE IF EXISTS bench_items')
    db.exec('CREATE TABLE bench_accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL, owner TEXT NOT NULL)')
    db.exec('CREATE TABLE bench_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)')
    const insert = db.prepare('INSERT INTO bench_accounts (id, balance, owner) VALUES (?, ?, ?)')
    db.transaction(() => {
      for (let id = 1; id <= ACCOUNT_ROWS; id++) insert.run(id, expectedBalance(id), `owner-${id}`)
    })()
  } finally {
    db.close()
  }
}
