import { afterEach, beforeEach, expect } from 'vitest'
import { describeError } from './settle.js'

/**
 * Fails each test of the file that lets an unhandled rejection or an
 * uncaught exception reach the process (which, in a user's process without
 * handlers, would be a crash), naming it.
 */
export function failOnProcessErrors(): void {
  const seen: string[] = []
  const onRejection = (reason: unknown): void => {
    seen.push(`unhandled rejection: ${describeError(reason)}`)
  }
  const onException = (error: unknown): void => {
    seen.push(`uncaught exception: ${describeError(error)}`)
  }
  beforeEach(() => {
    seen.length = 0
    process.on('unhandledRejection', onRejection)
    process.on('uncaughtException', onException)
  })
  afterEach(async () => {
    // a rejection is reported as unhandled only after the microtasks that could have handled it
    await new Promise((resolve) => setTimeout(resolve, 50))
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
    expect(seen, 'errors that reached the process').toEqual([])
  })
}
