/** One caller waiting in `acquire()`. */
export interface Waiter<T> {
  readonly resolve: (value: T) => void
  readonly reject: (error: unknown) => void
  readonly startedAt: number
  /** The workflow scope the acquire belongs to. */
  readonly scope: unknown
  /** Where the acquire was called, when leak detection is on. */
  readonly stack: string | undefined
  prev: Waiter<T> | undefined
  next: Waiter<T> | undefined
  queued: boolean
}

/**
 * FIFO of waiting acquires: a doubly linked list, so that the oldest waiter
 * is served first in O(1) and a timed-out waiter leaves from the middle in O(1).
 */
export class WaiterQueue<T> {
  #head: Waiter<T> | undefined
  #tail: Waiter<T> | undefined
  #size = 0

  get size(): number {
    return this.#size
  }

  push(resolve: (value: T) => void, reject: (error: unknown) => void, startedAt: number, scope: unknown, stack: string | undefined): Waiter<T> {
    const waiter: Waiter<T> = { resolve, reject, startedAt, scope, stack, prev: this.#tail, next: undefined, queued: true }
    if (this.#tail) this.#tail.next = waiter
    else this.#head = waiter
    this.#tail = waiter
    this.#size++
    return waiter
  }

  /** The oldest waiter, left in the queue. */
  peek(): Waiter<T> | undefined {
    return this.#head
  }

  shift(): Waiter<T> | undefined {
    const waiter = this.#head
    if (waiter) this.remove(waiter)
    return waiter
  }

  remove(waiter: Waiter<T>): void {
    if (!waiter.queued) return
    waiter.queued = false
    if (waiter.prev) waiter.prev.next = waiter.next
    else this.#head = waiter.next
    if (waiter.next) waiter.next.prev = waiter.prev
    else this.#tail = waiter.prev
    waiter.prev = waiter.next = undefined
    this.#size--
  }
}
