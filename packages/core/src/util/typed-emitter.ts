/**
 * A small event emitter typed by an event map. Unlike Node's EventEmitter, an
 * `error` event with no listener does not throw, and a listener that throws
 * is reported to `onListenerError` instead of breaking the pool (tarn's
 * `_executeEventHandlers`).
 */
// listeners are stored untyped; on/emit keep the types at the edges
type AnyListener = (...args: any[]) => void

export class TypedEmitter<Events extends Record<string, unknown[]>> {
  readonly #listeners = new Map<keyof Events, Array<AnyListener>>()
  readonly #onListenerError: (event: string, error: unknown) => void

  constructor(onListenerError: (event: string, error: unknown) => void) {
    this.#onListenerError = onListenerError
  }

  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const list = this.#listeners.get(event)
    if (list) list.push(listener as AnyListener)
    else this.#listeners.set(event, [listener as AnyListener])
    return this
  }

  off<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const list = this.#listeners.get(event)
    if (!list) return this
    const index = list.indexOf(listener as AnyListener)
    if (index !== -1) list.splice(index, 1)
    if (list.length === 0) this.#listeners.delete(event)
    return this
  }

  once<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const wrapper = (...args: Events[E]) => {
      this.off(event, wrapper)
      listener(...args)
    }
    return this.on(event, wrapper)
  }

  /** True when someone listens; lets hot paths skip building event arguments. */
  has(event: keyof Events): boolean {
    // most pools have no listener at all: a size check is cheaper than the lookup, twice per acquire + release
    return this.#listeners.size !== 0 && this.#listeners.has(event)
  }

  emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const list = this.#listeners.get(event)
    if (!list) return
    for (const listener of list.slice()) {
      try {
        listener(...(args as unknown[]))
      } catch (error) {
        this.#onListenerError(String(event), error)
      }
    }
  }
}
