import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy in front of a PostgreSQL server (or PgBouncer) that counts
 * what crosses it: the client's writes, the client's Parse messages (named
 * ones apart) and the server's ReadyForQuery messages.
 */
export class PgWireCounter {
  readonly #target: URL
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  clientWrites = 0
  readyForQuery = 0
  /** Parse messages of any statement, unnamed included. */
  parses = 0
  /** Parse messages that name their statement. */
  namedParses = 0
  /** Close messages (of a statement or portal). */
  closes = 0
  port = 0

  constructor(target: URL) {
    this.#target = target
    this.#server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname)
      this.#sockets.add(client).add(upstream)
      const fromClient = new MessageReader(false, (type, body) => this.#clientMessage(type, body))
      const fromServer = new MessageReader(true, (type) => {
        if (type === 0x5a) this.readyForQuery++
      })
      client.on('data', (chunk: Buffer) => {
        this.clientWrites++
        upstream.write(chunk)
        fromClient.read(chunk)
      })
      upstream.on('data', (chunk: Buffer) => {
        client.write(chunk)
        fromServer.read(chunk)
      })
      const end = (): void => {
        client.destroy()
        upstream.destroy()
      }
      client.on('close', end).on('error', end)
      upstream.on('close', end).on('error', end)
    })
  }

  /** Starts listening; resolves with the target's URL pointed at the proxy. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.port = (this.#server.address() as { port: number }).port
    const url = new URL(this.#target)
    url.hostname = '127.0.0.1'
    url.port = String(this.port)
    return url.toString()
  }

  reset(): void {
    this.clientWrites = 0
    this.readyForQuery = 0
    this.parses = 0
    this.namedParses = 0
    this.closes = 0
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #clientMessage(type: number, body: Buffer): void {
    if (type === 0x50) {
      this.parses++
      // Parse: the statement name (a C string) comes first; empty for the unnamed statement
      if (body[0] !== 0) this.namedParses++
    } else if (type === 0x43) {
      this.closes++
    }
  }
}

/** Splits a byte stream into protocol messages: a type byte and a length that counts itself (the client's first message has no type byte). */
class MessageReader {
  #pending = Buffer.alloc(0)
  #started: boolean
  readonly #onMessage: (type: number, body: Buffer) => void

  constructor(started: boolean, onMessage: (type: number, body: Buffer) => void) {
    this.#started = started
    this.#onMessage = onMessage
  }

  read(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk])
    for (;;) {
      if (!this.#started) {
        // StartupMessage (or SSLRequest, answered by one byte we do not pass on): no type byte
        if (this.#pending.length < 4) return
        const length = this.#pending.readUInt32BE(0)
        if (this.#pending.length < length) return
        this.#pending = this.#pending.subarray(length)
        this.#started = true
        continue
      }
      if (this.#pending.length < 5) return
      const length = this.#pending.readUInt32BE(1)
      if (this.#pending.length < 1 + length) return
      this.#onMessage(this.#pending[0]!, this.#pending.subarray(5, 1 + length))
      this.#pending = this.#pending.subarray(1 + length)
    }
  }
}
