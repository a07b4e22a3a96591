import type { QueryResult, StatementKind } from '../../src/dialect.js'
import { classifyStatement } from '../../src/sql/classify-statement.js'
import { StubDialect, type StubConnection } from './stub-dialect.js'

/** A primary and replicas without a database: positions are numbers the test moves. */
export class StubCluster {
  /** The primary's position, advanced by every write. */
  written = 0
  readonly primary: StubNode
  readonly replicas: StubNode[]

  constructor(replicaCount: number) {
    this.primary = new StubNode(this, 'primary')
    this.replicas = Array.from({ length: replicaCount }, (_, i) => new StubNode(this, `replica-${i + 1}`))
  }

  /** Every replica catches up with the primary. */
  catchUp(): void {
    for (const replica of this.replicas) replica.replayed = this.written
  }
}

export class StubNode extends StubDialect {
  override readonly description: string
  replayed = 0
  lagMillis: number | undefined = 0
  /** Statements this node ran, for assertions about where they went. */
  readonly ran: string[] = []
  readonly #cluster: StubCluster
  readonly #role: string

  constructor(cluster: StubCluster, role: string) {
    super()
    this.#cluster = cluster
    this.#role = role
    this.description = `stub://${role}`
  }

  classify(sql: string): StatementKind {
    return classifyStatement(sql, 'postgres')
  }

  override async run(raw: StubConnection, sql: string): Promise<QueryResult> {
    const result = await super.run(raw, sql)
    if (!/^(SELECT 1|COMMIT|BEGIN)$/.test(sql)) this.ran.push(sql)
    if (this.#role === 'primary' && this.classify(sql) !== 'read' && sql !== 'BEGIN') this.#cluster.written++
    return result
  }

  async writePosition(): Promise<string> {
    return String(this.#cluster.written)
  }

  async replayPosition(): Promise<string | undefined> {
    return this.#role === 'primary' ? undefined : String(this.replayed)
  }

  positionReached(replayed: string, written: string): boolean {
    return Number(replayed) >= Number(written)
  }

  async replicaLag(): Promise<number | undefined> {
    if (this.failPing) throw this.failPing
    return this.lagMillis
  }
}
