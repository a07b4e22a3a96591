import { inspect } from 'node:util'
import type { LogFunction } from '@sluice/core'

/** A pool's log lines, details included, kept for assertions (a secret must never be among them). */
export class LogSink {
  readonly lines: string[] = []
  readonly log: LogFunction = (level, message, details) => {
    this.lines.push(`${level}: ${message}${details === undefined ? '' : ` ${inspect(details, { depth: 5 })}`}`)
  }

  /** Lines that contain `text`. */
  containing(text: string): string[] {
    return this.lines.filter((line) => line.includes(text))
  }
}
