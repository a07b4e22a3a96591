import { ConfigError } from '../errors/config-error.js'

/** setTimeout silently turns larger delays into 1ms. */
export const MAX_TIMER_MILLIS = 2_147_483_647

/** Refuses any key of `options` not in `known`, naming it as `prefix` + key. */
export function checkKnownKeys(prefix: string, options: object, known: ReadonlySet<string>): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ConfigError(`${prefix}${key}`, (options as Record<string, unknown>)[key], 'unknown option')
  }
}

/** A finite number of at least `minimum`. */
export function finiteNumber(field: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, value, 'must be a finite number')
  if (value < minimum) throw new ConfigError(field, value, `must be >= ${minimum}`)
  return value
}

export function integer(field: string, value: unknown, minimum: number): number {
  const n = finiteNumber(field, value, minimum)
  if (!Number.isInteger(n)) throw new ConfigError(field, value, 'must be an integer')
  return n
}

/** Whole milliseconds a timer can wait: at most 2^31-1. */
export function millis(field: string, value: unknown, minimum: number): number {
  const n = integer(field, value, minimum)
  if (n > MAX_TIMER_MILLIS) throw new ConfigError(field, value, 'must be at most 2147483647 (about 24.8 days)')
  return n
}

/** An integer of at least `minimum`, told in one rule (the pipeline options' wording). */
export function count(field: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) throw new ConfigError(field, value, `must be an integer >= ${minimum}`)
  return value
}

/** A finite duration of at least `minimum` ms, fractions allowed, capped like any timer. */
export function duration(field: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) throw new ConfigError(field, value, `must be a finite number >= ${minimum}`)
  if (value > MAX_TIMER_MILLIS) throw new ConfigError(field, value, 'must be at most 2147483647 (about 24.8 days)')
  return value
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) throw new ConfigError(field, value, `must be one of ${allowed.join(', ')}`)
  return value as T
}
