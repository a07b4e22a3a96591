/** One ORM's point select, run on Sluice or on the ORM's stock pool. */
export interface OrmClient {
  readonly name: string
  readonly role: 'sluice' | 'peer'
  /** `SELECT * FROM bench_accounts WHERE id = ?` written in the ORM's own query builder; the rows it returns. */
  point(id: number): Promise<ReadonlyArray<Record<string, unknown>>>
  close(): Promise<void>
}
