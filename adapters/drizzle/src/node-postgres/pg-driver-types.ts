/**
 * The subset of the `pg` module the adapter needs, typed structurally so
 * that any pg 8 release (or a second copy of it in the tree) fits.
 */
export interface PgDriver {
  /** pg's `Pool` class: the adapter's client extends it, so that Drizzle's `client instanceof Pool` holds. */
  readonly Pool: new (options?: any) => object
  /** pg's `Client` class, which Sluice's postgres dialect opens connections with. */
  readonly Client: new (config: any) => any
  /** pg's global type parsers (`pg.types`), which `pg.types.setTypeParser()` changes. */
  readonly types: PgTypeParsers
}

/** pg's `{ getTypeParser }` shape, as `pg.types` and a query's `types` have it. */
export interface PgTypeParsers {
  getTypeParser(oid: number, format?: any): any
}

/** The query-config form of pg's `query()`. */
export interface PgQueryConfig {
  readonly text: string
  readonly values?: readonly unknown[]
  readonly rowMode?: 'array'
  readonly types?: PgTypeParsers
  /** A prepared statement's name. */
  readonly name?: string
}

/** pg's node-style callback. */
export type PgCallback<T> = (error: Error | undefined, result?: T) => void
