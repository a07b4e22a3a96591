import { createServer, type Server, type Socket } from 'node:net'
import { ProxiedConnection, resetSocket, type ProxyTarget } from './proxied-connection.js'

/** Where the proxy listens: a port, or any free one in a range (tests use their reserved range). */
export type ListenPort = number | { readonly from: number; readonly to: number }

export interface FaultProxyOptions {
  readonly target: ProxyTarget
  /** Defaults to 0: any free port the system picks. */
  readonly port?: ListenPort
}

/** What the proxy does to traffic; `refuse` also means: not listening. */
export type FaultMode = 'pass' | 'delay' | 'drop' | 'freeze' | 'refuse'
type TrafficMode = Exclude<FaultMode, 'refuse'>

/** Measured since the proxy started. */
export interface FaultProxyCounters {
  /** Connections accepted (forwarded or blackholed). */
  readonly accepted: number
  /** Connections open now, forwarded ones and blackholed ones. */
  readonly open: number
  /** Connections accepted while dropping, never forwarded. */
  readonly blackholed: number
  /** Connections ended with a RST by `reset()`. */
  readonly resets: number
  readonly bytesToServer: number
  readonly bytesToClient: number
}

/**
 * A TCP proxy on loopback that tests drive to break the network between a
 * pool and its database, switching at run time:
 * - `pass()`: forward everything (and listen again after `refuse()`);
 * - `delay(ms)`: forward each chunk `ms` late, both ways, in order;
 * - `drop()`: accept new connections but never forward them (a blackhole);
 *   connections already open keep working;
 * - `freeze()`: forward nothing, on open and new connections alike, without
 *   closing anything; `pass()` delivers what was held, in order;
 * - `reset()`: send a RST on every open connection, both ways (a one-off);
 * - `refuse()`: stop listening, so new connections are refused; open ones stay
 *   as they were (frozen ones frozen). Any other mode listens again.
 *
 * ```ts
 * const proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: 5432 } })
 * const pool = createPool({ dialect: postgres({ host: '127.0.0.1', port: proxy.port, ... }) })
 * proxy.freeze()
 * ```
 */
export class FaultProxy {
  readonly #target: ProxyTarget
  readonly #connections = new Set<ProxiedConnection>()
  readonly #blackholed = new Set<Socket>()
  #server: Server | undefined
  #port = 0
  #traffic: TrafficMode = 'pass'
  #listening = false
  #delayMillis = 0
  #closed = false
  #accepted = 0
  #blackholedTotal = 0
  #resets = 0
  #bytesToServer = 0
  #bytesToClient = 0

  private constructor(target: ProxyTarget) {
    this.#target = target
  }

  /** Starts a proxy to `target`, listening on 127.0.0.1. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options.target)
    await proxy.#listenOnFirstFree(options.port ?? 0)
    return proxy
  }

  /** The port the proxy listens (or, refusing, listened) on. */
  get port(): number {
    return this.#port
  }

  get mode(): FaultMode {
    return this.#listening ? this.#traffic : 'refuse'
  }

  counters(): FaultProxyCounters {
    return {
      accepted: this.#accepted,
      open: this.#connections.size + this.#blackholed.size,
      blackholed: this.#blackholedTotal,
      resets: this.#resets,
      bytesToServer: this.#bytesToServer,
      bytesToClient: this.#bytesToClient,
    }
  }

  /** Forwards everything again; delivers what a freeze held; listens again after `refuse()`. */
  async pass(): Promise<void> {
    this.#delayMillis = 0
    await this.#switchTo('pass')
  }

  /** Forwards every chunk `millis` late, in each direction. */
  async delay(millis: number): Promise<void> {
    if (!Number.isInteger(millis) || millis < 0) throw new RangeError(`delay must be an integer >= 0, got ${millis}`)
    this.#delayMillis = millis
    await this.#switchTo('delay')
  }

  /** New connections are accepted and never forwarded; open ones keep working. */
  async drop(): Promise<void> {
    await this.#switchTo('drop')
  }

  /** Nothing is forwarded, on open or new connections, and nothing is closed. */
  async freeze(): Promise<void> {
    await this.#switchTo('freeze')
  }

  /** Stops listening: new connections are refused. Open connections stay as they are. */
  async refuse(): Promise<void> {
    if (this.#closed) throw new Error('the fault proxy is closed')
    const server = this.#server
    this.#server = undefined
    this.#listening = false
    // close() stops accepting at once; its callback would wait for every open connection to end
    server?.close()
  }

  /** Sends a RST on every open connection (blackholed ones too); returns how many. */
  reset(): number {
    const count = this.#connections.size + this.#blackholed.size
    for (const connection of this.#connections) connection.reset()
    for (const socket of this.#blackholed) resetSocket(socket)
    this.#resets += count
    return count
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const connection of this.#connections) connection.destroy()
    for (const socket of this.#blackholed) socket.destroy()
    const server = this.#server
    this.#server = undefined
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async #switchTo(mode: TrafficMode): Promise<void> {
    if (this.#closed) throw new Error('the fault proxy is closed')
    this.#traffic = mode
    if (!this.#listening) await this.#listen(this.#port)
    for (const connection of this.#connections) connection.pump()
  }

  #accept(client: Socket): void {
    this.#accepted++
    if (this.#traffic === 'drop') {
      this.#blackhole(client)
      return
    }
    const connection = new ProxiedConnection(client, this.#target, {
      policy: { frozen: () => this.#traffic === 'freeze', delayMillis: () => (this.#traffic === 'delay' ? this.#delayMillis : 0) },
      toServer: (bytes) => (this.#bytesToServer += bytes),
      toClient: (bytes) => (this.#bytesToClient += bytes),
      closed: (closed) => this.#connections.delete(closed),
    })
    this.#connections.add(connection)
  }

  #blackhole(client: Socket): void {
    this.#blackholedTotal++
    this.#blackholed.add(client)
    client.on('error', () => {})
    // read and forget, so the client's writes never block
    client.resume()
    client.on('close', () => this.#blackholed.delete(client))
  }

  async #listenOnFirstFree(port: ListenPort): Promise<void> {
    if (typeof port === 'number') return this.#listen(port)
    const size = port.to - port.from + 1
    const first = Math.floor(Math.random() * size)
    for (let i = 0; i < size; i++) {
      try {
        return await this.#listen(port.from + ((first + i) % size))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      }
    }
    throw new Error(`no free port between ${port.from} and ${port.to}`)
  }

  #listen(port: number): Promise<void> {
    const server = createServer((client) => this.#accept(client))
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        server.off('error', reject)
        // a listening socket's later errors (none are expected) must not crash the test process
        server.on('error', () => {})
        this.#server = server
        this.#listening = true
        this.#port = (server.address() as { port: number }).port
        resolve()
      })
    })
  }
}
