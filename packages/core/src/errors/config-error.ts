import { SluiceError } from './sluice-error.js'

const SECRET_FIELD = /pass(word)?|secret|token|connectionstring|uri|url/i

/**
 * Invalid configuration. The message names the option and its value, except
 * for secret-bearing options whose value is never printed.
 */
export class ConfigError extends SluiceError {
  /** The option at fault, with its path (`min`, `dialect.port`). */
  readonly field: string

  constructor(field: string, value: unknown, rule: string) {
    const shown = SECRET_FIELD.test(field) ? '<redacted>' : describeValue(value)
    super('SLUICE_CONFIG', `Sluice: invalid option ${field} = ${shown}: ${rule}`)
    this.field = field
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
