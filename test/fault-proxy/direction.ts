import type { Socket } from 'node:net'

/** What a direction asks the proxy before it forwards a chunk. */
export interface ForwardingPolicy {
  /** Hold every chunk (nothing forwarded, nothing lost) until this turns false. */
  frozen(): boolean
  /** How long each chunk waits before it is forwarded. */
  delayMillis(): number
}

interface Pending {
  readonly chunk: Buffer
  readonly dueAt: number
}

/** Chunks held before the source is paused (a frozen or slow proxy must not buffer without bound). */
const MAX_QUEUED = 64

/**
 * One way of a proxied connection (client to server, or back). Chunks go out
 * in the order they came in, each no earlier than its delay allows and never
 * while frozen; an `end` from the source is passed on once everything queued
 * before it is out, as a FIN on a real network would be.
 */
export class Direction {
  readonly #from: Socket
  readonly #to: Socket
  readonly #policy: ForwardingPolicy
  readonly #onForwarded: (bytes: number) => void
  readonly #queue: Pending[] = []
  #ended = false
  #timer: NodeJS.Timeout | undefined

  constructor(from: Socket, to: Socket, policy: ForwardingPolicy, onForwarded: (bytes: number) => void) {
    this.#from = from
    this.#to = to
    this.#policy = policy
    this.#onForwarded = onForwarded
    from.on('data', (chunk: Buffer) => this.#push(chunk))
    from.on('end', () => this.sourceEnded())
    to.on('drain', () => this.pump())
  }

  /** Forwards what became due: called on every chunk, timer and change of the proxy's mode. */
  pump(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#policy.frozen() || this.#to.destroyed) return
    const now = Date.now()
    while (this.#queue.length > 0 && !this.#to.writableNeedDrain) {
      const head = this.#queue[0]!
      if (head.dueAt > now) {
        this.#timer = setTimeout(() => this.pump(), head.dueAt - now)
        break
      }
      this.#queue.shift()
      this.#to.write(head.chunk)
      this.#onForwarded(head.chunk.length)
    }
    if (this.#from.isPaused() && this.#queue.length < MAX_QUEUED && !this.#to.writableNeedDrain && !this.#from.destroyed) {
      this.#from.resume()
    }
    if (this.#ended && this.#queue.length === 0 && !this.#to.writableEnded) this.#to.end()
  }

  /** The source will send no more: pass the end on once the queue is out. */
  sourceEnded(): void {
    this.#ended = true
    this.pump()
  }

  /** Drops what is queued (the connection is going away). */
  discard(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#queue.length = 0
  }

  #push(chunk: Buffer): void {
    this.#queue.push({ chunk, dueAt: Date.now() + this.#policy.delayMillis() })
    if (this.#queue.length >= MAX_QUEUED) this.#from.pause()
    this.pump()
  }
}
