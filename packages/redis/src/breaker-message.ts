/** What one instance tells the others about a node's breaker, on the shared channel. */
export interface BreakerMessage {
  /** The sending instance (one per pool node that joined), so that it ignores its own messages. */
  readonly origin: string
  readonly node: string
  /** `probed`: the sender's ping answered (trial calls may go through). */
  readonly state: 'open' | 'probed' | 'closed'
  /** For `open`: when to probe again, in ms since the epoch. */
  readonly retryAt?: number
  /** For `open`: the message of the failure that opened it (never a password: the dialects' messages carry none). */
  readonly lastError?: string
}

const VERSION = 1

export function encodeMessage(message: BreakerMessage): string {
  return JSON.stringify({ v: VERSION, ...message })
}

/** The message, or undefined for anything that is not one of ours (another version, junk on the channel). */
export function decodeMessage(text: string): BreakerMessage | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { v, origin, node, state, retryAt, lastError } = parsed as Record<string, unknown>
  if (v !== VERSION || typeof origin !== 'string' || typeof node !== 'string') return undefined
  if (state === 'closed' || state === 'probed') return { origin, node, state }
  if (state !== 'open' || typeof retryAt !== 'number' || !Number.isFinite(retryAt)) return undefined
  return { origin, node, state, retryAt, lastError: typeof lastError === 'string' ? lastError : '' }
}
