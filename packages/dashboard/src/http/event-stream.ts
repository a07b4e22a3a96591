import type { ServerResponse } from 'node:http'
import { MAX_BUFFERED_BYTES_PER_PAGE } from '../config/defaults.js'
import type { Sampler } from '../collect/sampler.js'
import type { DashboardFrame } from '../collect/snapshot.js'
import { SECURITY_HEADERS } from './responses.js'

/**
 * The page's live feed (Server-Sent Events): first `history` (the recent
 * frames, so charts start filled), then one `frame` per sample. A page
 * that stops reading is dropped rather than buffered without end.
 */
export class EventStreams {
  readonly #sampler: Sampler
  /** Each open stream, and how much may wait in its buffer: the history it was sent, plus a margin. */
  readonly #open = new Map<ServerResponse, number>()

  constructor(sampler: Sampler) {
    this.#sampler = sampler
    sampler.subscribe((frame) => this.#broadcast(frame))
  }

  open(response: ServerResponse): void {
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' })
    const history = message('history', { frames: this.#sampler.history() })
    response.write(`retry: 2000\n\n`)
    response.write(history)
    this.#open.set(response, Buffer.byteLength(history) + MAX_BUFFERED_BYTES_PER_PAGE)
    response.on('close', () => this.#open.delete(response))
  }

  closeAll(): void {
    for (const response of this.#open.keys()) response.end()
    this.#open.clear()
  }

  #broadcast(frame: DashboardFrame): void {
    if (this.#open.size === 0) return
    const data = message('frame', frame)
    for (const [response, allowed] of this.#open) {
      if (response.writableLength > allowed) {
        this.#open.delete(response)
        response.destroy()
        continue
      }
      response.write(data)
    }
  }
}

function message(event: string, data: unknown): string {
  // JSON has no raw newlines, so one data line carries it
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}
