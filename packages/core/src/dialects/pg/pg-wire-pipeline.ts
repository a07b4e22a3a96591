/**
 * A pg "submittable" that writes many extended-protocol statements at once
 * and reads their answers back in order: the wire-level half of pipelining.
 *
 * pg's `Client` runs one query object at a time (its active query) and hands
 * it every backend message until a ReadyForQuery, at which point it forgets
 * it (`_activeQuery = null`, `readyForQuery = true`) and submits the next one
 * from its queue. Anything with a `submit(connection)` method can be queued
 * (pg-cursor works the same way). This one writes segments, each a run of
 * Parse/Bind/[Describe]/Execute steps closed by ONE Sync, so the server
 * answers with one ReadyForQuery per segment. To receive the later segments'
 * messages it re-installs itself as the client's active query (and keeps
 * `readyForQuery` false) after every ReadyForQuery but the last, and after a
 * statement's ErrorResponse, which pg also answers by dropping its active
 * query. After the last ReadyForQuery it lets go, and pg goes on with its
 * queue as after any query.
 *
 * The server processes a segment in order and, after an error, skips every
 * message up to the segment's Sync: a step after a failed one is `skipped`.
 * Every step's outcome is handed over at its segment's ReadyForQuery, once
 * the transaction status it leaves is known; a fatal error (socket lost,
 * FATAL from the server) settles every unsettled step at once.
 *
 * Statements are unnamed unless a step names one (implicit pipelining takes
 * the statement cache's names, `pg-pipelined-statement.ts`); portals are
 * always unnamed. pg records a named Parse itself at its ParseComplete, from
 * its active query's `name` and `text`: this query answers with those of the
 * step being read, so pg's record stays what the server holds.
 *
 * @internal
 */
import type { QueryResult, RunOptions } from '../../dialect.js'
import { toQueryResult } from './pg-result.js'

/** Command tags whose row count means "rows changed" rather than "rows read" (as in `pg-dialect.ts`). */
const COMMAND_TAG = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/

/** pg's protocol `Connection`, as far as a pipeline writes to it. */
export interface PgWireConnection {
  parse(query: { text: string; name: string; types: readonly number[] }): void
  close(message: { type: 'S' | 'P'; name: string }): void
  bind(config: { portal: string; statement: string; values: readonly unknown[]; binary: boolean }): void
  describe(message: { type: 'P'; name: string }): void
  execute(config: { portal: string; rows: number }): void
  sync(): void
  sendCopyFail(message: string): void
  readonly stream: { cork?(): void; uncork?(): void; destroy(error?: Error): void; readonly writable?: boolean }
}

/** What pg's `Client.query()` queues besides its own queries: anything it can submit to its connection. */
export interface PgSubmittable {
  submit(connection: PgWireConnection): null
}

/** pg's `Client` internals a pipeline touches (JavaScript client only). */
export interface PgPipelineClient {
  query(submittable: PgSubmittable): unknown
  getTypeParser(oid: number, format?: string): (value: unknown) => unknown
  getTransactionStatus?(): string | null
  readyForQuery?: boolean
  /** pg ≥ 8.12 keeps its active query here; older releases in `activeQuery`. */
  _activeQuery?: unknown
  activeQuery?: unknown
  readonly connection?: PgWireConnection
}

/** A statement's result, shaped like pg's own `Result` (what `QueryResult.raw` carries). */
export interface PgPipelineResult {
  command: string | null
  rowCount: number | null
  oid: number | null
  rows: unknown[]
  fields: Array<{ readonly name: string; readonly dataTypeID: number; readonly format?: string }>
}

export type StepOutcome =
  | { readonly kind: 'ok'; readonly result: PgPipelineResult }
  | { readonly kind: 'error'; readonly error: unknown; readonly fatal: boolean }
  /** Not run: an earlier step of its segment failed, so the server skipped it. */
  | { readonly kind: 'skipped' }

/** One Parse/Bind/[Describe]/Execute. */
export interface PipelineStep {
  readonly text: string
  /** The prepared statement to bind; unset or `''`: the unnamed one. */
  readonly name?: string
  /** False when `name` is already prepared on the connection: Bind/Execute only. */
  readonly parse?: boolean
  /** Values already mapped with pg's `prepareValue` (strings, Buffers, null). */
  readonly values: readonly unknown[]
  /** Describe the portal: needed for column names; internal steps (BEGIN, SAVEPOINT) skip it. */
  readonly describe: boolean
  readonly rowMode: 'object' | 'array'
  settle(outcome: StepOutcome): void
}

/** Steps closed by one Sync: one implicit transaction, one ReadyForQuery. */
export interface PipelineSegment {
  /** Prepared statements to close before the steps (evicted from the statement cache). */
  readonly close?: readonly string[]
  readonly steps: readonly PipelineStep[]
}

interface Running {
  readonly segment: PipelineSegment
  readonly outcomes: StepOutcome[]
  /** Index of the step whose answer comes next. */
  next: number
  failed: boolean
}

export class PgPipelineQuery {
  readonly #client: PgPipelineClient
  readonly #unsent: PipelineSegment[] = []
  readonly #running: Running[] = []
  readonly #finished: Promise<void>
  #resolveFinished!: () => void
  #connection: PgWireConnection | undefined
  #result: PgPipelineResult | undefined
  #parsers: Array<(value: unknown) => unknown> = []
  #corked = false
  #done = false

  constructor(client: PgPipelineClient, segments: readonly PipelineSegment[]) {
    this.#client = client
    this.#unsent.push(...segments)
    this.#finished = new Promise((resolve) => (this.#resolveFinished = resolve))
  }

  /** Resolves once every segment has its ReadyForQuery (or a fatal error ended them all). */
  get finished(): Promise<void> {
    return this.#finished
  }

  /**
   * Adds a segment behind the others: written now when the pipeline is on
   * the wire (coalesced with the others of this tick), else at submit.
   * False once the pipeline has finished: start a new one then.
   */
  append(segment: PipelineSegment): boolean {
    if (this.#done) return false
    if (this.#connection === undefined) {
      this.#unsent.push(segment)
      return true
    }
    this.#corkForTick(this.#connection)
    this.#write(this.#connection, segment)
    return true
  }

  /** The statement name of the step being read, when it parsed one: what pg records at ParseComplete. */
  get name(): string | undefined {
    const step = this.#stepBeingRead()
    return step?.parse === false ? undefined : step?.name || undefined
  }

  /** The text of the step being read (with `name`, for pg's record of parsed statements). */
  get text(): string | undefined {
    return this.#stepBeingRead()?.text
  }

  #stepBeingRead(): PipelineStep | undefined {
    const running = this.#running[0]
    return running?.segment.steps[running.next]
  }

  /** Called by pg when this becomes its active query. */
  submit(connection: PgWireConnection): null {
    this.#connection = connection
    connection.stream.cork?.()
    try {
      for (const segment of this.#unsent.splice(0)) this.#write(connection, segment)
    } finally {
      connection.stream.uncork?.()
    }
    return null
  }

  handleRowDescription(message: { fields: PgPipelineResult['fields'] }): void {
    const result = this.#current()
    if (result === undefined) return
    result.fields = message.fields
    this.#parsers = message.fields.map((field) => this.#client.getTypeParser(field.dataTypeID, field.format ?? 'text'))
  }

  handleDataRow(message: { fields: unknown[] }): void {
    const result = this.#current()
    if (result === undefined) return
    const step = this.#running[0]?.segment.steps[this.#running[0].next]
    result.rows.push(step?.rowMode === 'array' ? this.#arrayRow(message.fields) : this.#objectRow(result, message.fields))
  }

  handleCommandComplete(message: { text?: string; command?: string }): void {
    const result = this.#current()
    if (result === undefined) return
    const match = COMMAND_TAG.exec(message.text ?? message.command ?? '')
    if (match) {
      result.command = match[1] ?? null
      if (match[3] !== undefined) {
        result.oid = Number.parseInt(match[2] ?? '', 10)
        result.rowCount = Number.parseInt(match[3], 10)
      } else if (match[2] !== undefined) {
        result.rowCount = Number.parseInt(match[2], 10)
      }
    }
    this.#completeStep()
  }

  handleEmptyQuery(): void {
    if (this.#current() !== undefined) this.#completeStep()
  }

  handlePortalSuspended(): void {
    // never asked for: every Execute fetches all rows
  }

  handleCopyInResponse(connection: PgWireConnection): void {
    // the server now waits for data we do not have; failing the copy answers with an ErrorResponse
    connection.sendCopyFail('COPY FROM STDIN is not supported in a pipeline')
  }

  handleCopyData(): void {
    // COPY TO STDOUT data is not collected
  }

  handleError(error: unknown): void {
    if (this.#done) return
    const running = this.#running[0]
    // pg hands socket failures to the active query too; those, and a FATAL from the server, end everything.
    // any other ErrorResponse leaves the protocol in step (the server skips to the Sync), even when
    // the dialect would not reuse the connection after it (08P01 for a parameter count mismatch)
    if (running === undefined || endsSession(error)) {
      this.#failAll(error)
      return
    }
    const steps = running.segment.steps
    running.failed = true
    if (running.next >= steps.length) {
      // every step completed, so the implicit COMMIT at Sync failed (a deferred constraint): none of them persisted
      for (let i = 0; i < steps.length; i++) running.outcomes[i] = { kind: 'error', error, fatal: false }
    } else {
      running.outcomes[running.next] = { kind: 'error', error, fatal: false }
      // the server skips the rest of the segment until its Sync
      for (let i = running.next + 1; i < steps.length; i++) running.outcomes[i] = { kind: 'skipped' }
    }
    running.next = steps.length
    this.#result = undefined
    // pg dropped us on the ErrorResponse; the segment's ReadyForQuery (and later segments) are ours
    this.#activate()
  }

  handleReadyForQuery(): void {
    if (this.#done) return
    const running = this.#running.shift()
    if (running === undefined) return this.#desync('a ReadyForQuery nobody waited for')
    if (running.next < running.segment.steps.length) return this.#desync('a ReadyForQuery before the last statement of its segment completed')
    // stay pg's active query until the last segment's ReadyForQuery
    if (this.#running.length > 0) this.#activate()
    else this.#finish()
    settleAll(running)
  }

  #write(connection: PgWireConnection, segment: PipelineSegment): void {
    // answered by CloseComplete, which pg ignores; closing a name the server does not hold is no error
    for (const name of segment.close ?? []) connection.close({ type: 'S', name })
    for (const step of segment.steps) {
      const name = step.name ?? ''
      if (step.parse !== false) connection.parse({ text: step.text, name, types: [] })
      connection.bind({ portal: '', statement: name, values: step.values, binary: false })
      if (step.describe) connection.describe({ type: 'P', name: '' })
      connection.execute({ portal: '', rows: 0 })
    }
    connection.sync()
    this.#running.push({ segment, outcomes: [], next: 0, failed: false })
  }

  /** Appends made in one tick go out in one write. */
  #corkForTick(connection: PgWireConnection): void {
    if (this.#corked || connection.stream.cork === undefined) return
    this.#corked = true
    connection.stream.cork()
    process.nextTick(() => {
      this.#corked = false
      connection.stream.uncork?.()
    })
  }

  /** The result being read for the step whose answer comes next. */
  #current(): PgPipelineResult | undefined {
    const running = this.#running[0]
    if (running === undefined || running.next >= running.segment.steps.length) {
      this.#desync('an answer for a statement that was never sent')
      return undefined
    }
    this.#result ??= { command: null, rowCount: null, oid: null, rows: [], fields: [] }
    return this.#result
  }

  #completeStep(): void {
    const running = this.#running[0]!
    running.outcomes[running.next++] = { kind: 'ok', result: this.#result! }
    this.#result = undefined
  }

  #objectRow(result: PgPipelineResult, values: unknown[]): Record<string, unknown> {
    const row: Record<string, unknown> = {}
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      row[result.fields[i]!.name] = value === null || value === undefined ? null : this.#parsers[i]!(value)
    }
    return row
  }

  #arrayRow(values: unknown[]): unknown[] {
    const row = new Array<unknown>(values.length)
    for (let i = 0; i < values.length; i++) {
      const value = values[i]
      row[i] = value === null || value === undefined ? null : this.#parsers[i]!(value)
    }
    return row
  }

  #activate(): void {
    const client = this.#client
    if ('_activeQuery' in client) client._activeQuery = this
    else client.activeQuery = this
    client.readyForQuery = false
  }

  /** The answers no longer match what was sent: nothing read from here on can be trusted. */
  #desync(what: string): void {
    const error = Object.assign(new Error(`Connection terminated: pipeline out of sync (${what})`), { code: 'ERR_STREAM_DESTROYED' })
    this.#failAll(error)
    this.#connection?.stream.destroy(error)
  }

  #failAll(error: unknown): void {
    for (const running of this.#running.splice(0)) {
      for (let i = 0; i < running.segment.steps.length; i++) {
        // an ok step of a segment that never reached its Sync was not committed either
        running.outcomes[i] = { kind: 'error', error, fatal: true }
      }
      settleAll(running)
    }
    for (const segment of this.#unsent.splice(0)) {
      settleAll({ segment, outcomes: segment.steps.map(() => ({ kind: 'error', error, fatal: true })), next: 0, failed: true })
    }
    this.#finish()
  }

  #finish(): void {
    this.#done = true
    this.#resolveFinished()
  }
}

/** Maps a pipelined result exactly as `PgDialect.run()` maps pg's `Result`. */
export function pipelineQueryResult(result: PgPipelineResult): QueryResult & { fields: Array<{ name: string }> } {
  return toQueryResult(result, result)
}

function settleAll(running: Running): void {
  const steps = running.segment.steps
  for (let i = 0; i < steps.length; i++) {
    try {
      steps[i]!.settle(running.outcomes[i] ?? { kind: 'skipped' })
    } catch {
      // a throwing callback must not escape into pg's socket handlers
    }
  }
}

/** Anything but a server ErrorResponse of severity ERROR: a socket or client failure, or FATAL/PANIC. */
export function endsSession(error: unknown): boolean {
  const severity = typeof error === 'object' && error !== null ? (error as { severity?: unknown }).severity : undefined
  return typeof severity !== 'string' || severity === 'FATAL' || severity === 'PANIC'
}

/** What a batch needs besides the client: pg's own value mapping. */
export interface PgBatchDriver {
  readonly prepareValue: (value: unknown) => unknown
}

/** True when `client` exposes the protocol connection a pipeline writes to (not pg-native). */
export function canPipeline(client: unknown): client is PgPipelineClient {
  const c = client as Partial<PgPipelineClient> | null
  return typeof c?.getTypeParser === 'function' && typeof c.connection?.parse === 'function' && typeof c.connection.sync === 'function'
}

/** What the dialect hands over: its loaded driver module and its own judgement of errors. */
export interface PgPipeliningHost {
  readonly driver: unknown
  isFatal(error: unknown): boolean
  run(sql: string, params?: readonly unknown[], options?: RunOptions): Promise<QueryResult>
  inTransaction(): boolean | undefined
}

/** pg's value mapping, where the loaded module has it (not pg-native or a look-alike without `utils.prepareValue`). */
export function batchDriver(host: PgPipeliningHost): PgBatchDriver | undefined {
  const prepareValue = (host.driver as { utils?: { prepareValue?: unknown } } | undefined)?.utils?.prepareValue
  if (typeof prepareValue !== 'function') return undefined
  return { prepareValue: prepareValue as (value: unknown) => unknown }
}
