/**
 * A pg "submittable" that runs one statement through a portal and reads its
 * rows a chunk at a time (Execute with a row limit), the way the extended
 * protocol lets any row-returning statement be read in parts: SELECT,
 * VALUES, and `INSERT/UPDATE/DELETE ... RETURNING` alike, which a
 * `DECLARE CURSOR` refuses.
 *
 * Parse, Bind, Describe and the first Execute go out at submit, followed by
 * a Flush instead of a Sync, so that the portal (and, outside a transaction
 * block, the implicit transaction holding it) stays open between chunks.
 * Each PortalSuspended hands a chunk over; the next is asked for only when
 * the consumer wants it. CommandComplete hands over the last one and ends
 * the exchange with a Sync; so does an early close (after closing the
 * portal). The cursor stays pg's active query until that Sync's
 * ReadyForQuery, so pg holds back every other statement on the client until
 * then, and the transaction status is current when `ended` resolves.
 *
 * A DML statement with RETURNING runs to completion at the first Execute
 * (PostgreSQL keeps its rows and hands them out in parts), so stopping early
 * still commits all of it, as with pg-cursor.
 *
 * @internal
 */
import { endsSession, type PgPipelineClient, type PgWireConnection } from './pg-wire-pipeline.js'

/** pg's protocol `Connection`, with the two messages a cursor needs besides a pipeline's. */
interface PgCursorConnection extends PgWireConnection {
  flush(): void
  close(message: { type: 'P'; name: string }): void
}

type Field = { readonly name: string; readonly dataTypeID: number; readonly format?: string }

/** One chunk of rows; `done` when the statement has no more. */
export interface PortalChunk {
  readonly rows: Array<Record<string, unknown>>
  readonly done: boolean
}

const PORTAL = ''

export class PgPortalCursor {
  readonly #client: PgPipelineClient
  readonly #text: string
  readonly #values: readonly unknown[]
  readonly #chunkSize: number
  #connection: PgCursorConnection | undefined
  #fields: Field[] = []
  #parsers: Array<(value: unknown) => unknown> = []
  #rows: Array<Record<string, unknown>> = []
  #chunk: Deferred<PortalChunk>
  /** 'running' while an Execute is out; 'suspended' between chunks; 'done' once no more rows will come. */
  #state: 'running' | 'suspended' | 'done' = 'running'
  readonly #ended: Deferred<void>
  #synced = false

  /** `values` already mapped with pg's `prepareValue`. */
  constructor(client: PgPipelineClient, text: string, values: readonly unknown[], chunkSize: number) {
    this.#client = client
    this.#text = text
    this.#values = values
    this.#chunkSize = chunkSize
    this.#chunk = deferred()
    this.#ended = deferred()
  }

  /** The next chunk: the one on its way, or asks for it. Rejects with the statement's error. */
  next(): Promise<PortalChunk> {
    if (this.#state === 'suspended') {
      this.#state = 'running'
      this.#chunk = deferred()
      this.#execute(this.#connection!)
    }
    return this.#chunk.promise
  }

  /**
   * Ends the exchange: closes a portal that still has rows, syncs, and
   * resolves at the ReadyForQuery (or once the connection is gone).
   */
  close(): Promise<void> {
    const connection = this.#connection
    if (this.#state === 'suspended' && connection !== undefined) {
      this.#state = 'done'
      connection.close({ type: 'P', name: PORTAL })
      this.#sync(connection)
    }
    return this.#ended.promise
  }

  /** Called by pg when this becomes its active query. */
  submit(connection: PgCursorConnection): null {
    this.#connection = connection
    connection.stream.cork?.()
    try {
      connection.parse({ text: this.#text, name: '', types: [] })
      connection.bind({ portal: PORTAL, statement: '', values: this.#values, binary: false })
      connection.describe({ type: 'P', name: PORTAL })
      this.#execute(connection)
    } finally {
      connection.stream.uncork?.()
    }
    return null
  }

  handleRowDescription(message: { fields: Field[] }): void {
    this.#fields = message.fields
    this.#parsers = message.fields.map((field) => this.#client.getTypeParser(field.dataTypeID, field.format ?? 'text'))
  }

  handleDataRow(message: { fields: unknown[] }): void {
    const row: Record<string, unknown> = {}
    for (let i = 0; i < message.fields.length; i++) {
      const value = message.fields[i]
      row[this.#fields[i]!.name] = value === null || value === undefined ? null : this.#parsers[i]!(value)
    }
    this.#rows.push(row)
  }

  handlePortalSuspended(): void {
    this.#state = 'suspended'
    this.#handOver(false)
  }

  handleCommandComplete(): void {
    this.#finish()
  }

  handleEmptyQuery(): void {
    this.#finish()
  }

  handleCopyInResponse(connection: PgWireConnection): void {
    // the server now waits for data we do not have; failing the copy answers with an ErrorResponse
    connection.sendCopyFail('COPY FROM STDIN cannot be streamed')
  }

  handleCopyData(): void {
    // COPY TO STDOUT data is not rows
  }

  handleError(error: unknown): void {
    const wasDone = this.#state === 'done'
    this.#state = 'done'
    if (!wasDone) this.#chunk.reject(error)
    const connection = this.#connection
    // a lost socket (or a FATAL) sends no ReadyForQuery; a statement error is followed by one after our Sync
    if (endsSession(error) || connection === undefined) return this.#ended.resolve()
    // pg dropped us as its active query on the ErrorResponse; the ReadyForQuery is ours
    this.#activate()
    if (!this.#synced) this.#sync(connection)
  }

  handleReadyForQuery(): void {
    this.#ended.resolve()
  }

  #execute(connection: PgCursorConnection): void {
    connection.execute({ portal: PORTAL, rows: this.#chunkSize })
    // no Sync: that would end the implicit transaction and the portal with it
    connection.flush()
  }

  #finish(): void {
    this.#state = 'done'
    this.#handOver(true)
    this.#sync(this.#connection!)
  }

  #handOver(done: boolean): void {
    const rows = this.#rows
    this.#rows = []
    this.#chunk.resolve({ rows, done })
  }

  #sync(connection: PgCursorConnection): void {
    this.#synced = true
    connection.sync()
  }

  #activate(): void {
    const client = this.#client
    if ('_activeQuery' in client) client._activeQuery = this
    else client.activeQuery = this
    client.readyForQuery = false
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // a rejection nobody asked for (the consumer stopped before this chunk) must not go unhandled
  promise.catch(() => {})
  return { promise, resolve, reject }
}
