/**
 * A pool-wide count of schema changes seen through the pool. A connection's
 * statement cache remembers the epoch its statements were prepared in; when
 * the epoch has moved on, it prepares them again before their next use, so
 * that no statement runs with the parameter and result types of a schema
 * that is gone (a column now `timestamptz`, an enum type recreated).
 *
 * DDL inside a transaction moves the epoch twice: when it runs (the
 * connection's own later statements see the new schema) and when its
 * transaction ends (the others see it only after the commit).
 *
 * @internal
 */
export class SchemaEpoch<Connection extends object> {
  #value = 0
  // connections whose open transaction ran DDL that others see only at its end
  readonly #pending = new WeakSet<Connection>()

  get value(): number {
    return this.#value
  }

  /** After a statement: `ddl` tells whether it may have changed the schema, `inTransaction` whether the connection is still in one. */
  observe(connection: Connection, ddl: boolean, inTransaction: boolean): void {
    if (ddl) {
      this.#value++
      if (inTransaction) this.#pending.add(connection)
    } else if (!inTransaction) {
      this.transactionEnded(connection)
    }
  }

  /** The connection's transaction is over (commit, rollback, reset): its DDL is now everyone's. */
  transactionEnded(connection: Connection): void {
    if (this.#pending.delete(connection)) this.#value++
  }
}
