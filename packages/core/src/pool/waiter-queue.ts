import type { Lease } from '../connection/lease.js'
import type { WorkflowScope } from '../workflow/workflow-scope.js'

/** One caller waiting in `acquire()`. */
export interface Waiter {
  readonly resolve: (lease: Lease) => void
  readonly reject: (error: unknown) => void
  readonly startedAt: number
  /** The workflow scope the acquire belongs to. */
  readonly scope: WorkflowScope | undefined
  /** Where the acquire was called, when leak detection is on. */
  readonly stack: string | undefined
  next: Waiter | undefined
}

/**
 * FIFO of waiting acquires: a singly linked list, so that the oldest waiter
 * is served first in O(1). Waiters only ever leave from the front (served,
 * or timed out: every waiter has the same timeout, so the oldest is due first).
 */
export class WaiterQueue {
  #head: Waiter | undefined
  #tail: Waiter | undefined
  #size = 0

  get size(): number {
    return this.#size
  }

  push(resolve: (lease: Lease) => void, reject: (error: unknown) => void, startedAt: number, scope: WorkflowScope | undefined, stack: string | undefined): void {
    const waiter: Waiter = { resolve, reject, startedAt, scope, stack, next: undefined }
    if (this.#tail) this.#tail.next = waiter
    else this.#head = waiter
    this.#tail = waiter
    this.#size++
  }

  /** The oldest waiter, left in the queue. */
  peek(): Waiter | undefined {
    return this.#head
  }

  shift(): Waiter | undefined {
    const waiter = this.#head
    if (!waiter) return undefined
    this.#head = waiter.next
    if (!this.#head) this.#tail = undefined
    waiter.next = undefined
    this.#size--
    return waiter
  }
}
