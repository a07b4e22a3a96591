import { connect, type Socket } from 'node:net'
import { Direction, type ForwardingPolicy } from './direction.js'

/** Where the proxy forwards to. */
export interface ProxyTarget {
  readonly host: string
  readonly port: number
}

/** What a proxied connection reports to its proxy. */
export interface ConnectionHooks {
  readonly policy: ForwardingPolicy
  toServer(bytes: number): void
  toClient(bytes: number): void
  closed(connection: ProxiedConnection): void
}

/**
 * One client connection and the proxy's connection to the server for it.
 * Whatever happens to one side happens to the other: an orderly close is
 * passed on as an orderly close, a reset (or a failed connect to the
 * server) as a reset. Socket errors are swallowed here: a proxy under test
 * must never crash the test process.
 */
export class ProxiedConnection {
  readonly #client: Socket
  readonly #server: Socket
  readonly #directions: readonly Direction[]
  readonly #hooks: ConnectionHooks
  #closed = false

  constructor(client: Socket, target: ProxyTarget, hooks: ConnectionHooks) {
    this.#client = client
    this.#hooks = hooks
    this.#server = connect({ host: target.host, port: target.port })
    this.#client.setNoDelay(true)
    this.#server.setNoDelay(true)
    this.#directions = [
      new Direction(client, this.#server, hooks.policy, (n) => hooks.toServer(n)),
      new Direction(this.#server, client, hooks.policy, (n) => hooks.toClient(n)),
    ]
    const sides = [[client, this.#server, this.#directions[0]!], [this.#server, client, this.#directions[1]!]] as const
    for (const [side, other, outgoing] of sides) {
      side.on('error', () => {})
      side.on('close', (hadError) => {
        // an error on one side (a reset, a refused connect) is a reset on the other;
        // an orderly close travels like data (held while frozen)
        if (hadError) resetSocket(other)
        else outgoing.sourceEnded()
        this.#finish()
      })
    }
  }

  /** Forwards what the proxy's mode now allows. */
  pump(): void {
    for (const direction of this.#directions) direction.pump()
  }

  /** Sends a TCP RST both ways, as a failing network or a crashed middlebox does. */
  reset(): void {
    for (const direction of this.#directions) direction.discard()
    resetSocket(this.#client)
    resetSocket(this.#server)
  }

  /** Closes both sides at once (the proxy is shutting down). */
  destroy(): void {
    for (const direction of this.#directions) direction.discard()
    this.#client.destroy()
    this.#server.destroy()
  }

  #finish(): void {
    if (this.#closed || !this.#client.destroyed || !this.#server.destroyed) return
    this.#closed = true
    for (const direction of this.#directions) direction.discard()
    this.#hooks.closed(this)
  }
}

/** RST where the socket allows it, a plain destroy where it no longer can. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}
