import { ConfigError } from '@sluice/core'

/** Parts a connection string may leave empty (`postgres://u@h/db` parses to `port: ''`): absent, not invalid. */
const OPTIONAL_PARTS = new Set(['host', 'port', 'user', 'database'])

/**
 * Copies Knex's connection settings to Sluice dialect options through a
 * name table (the Knex or driver name → the Sluice name; `null` for a key
 * the adapter handles itself), refusing any key the table does not know.
 * Knex hides `password` as a non-enumerable property; it is read all the
 * same. Ports parsed from a URL arrive as strings and are made numbers.
 * The dialect validates the values.
 */
export function mapConnectionSettings(
  settings: Record<string, unknown>,
  names: Readonly<Record<string, string | null>>,
  driver: string,
): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  const setBy: Record<string, string> = {}
  for (const key of Object.getOwnPropertyNames(settings)) {
    const value = settings[key]
    if (value === undefined || value === null || (value === '' && OPTIONAL_PARTS.has(key))) continue
    const name = names[key]
    if (name === null) continue
    if (name === undefined) {
      // a misspelt key may hold a secret: never print a string value
      const shown = typeof value === 'string' ? '<not shown>' : value
      throw new ConfigError(`connection.${key}`, shown, `is not supported by Sluice's ${driver} dialect; supported: ${Object.keys(names).join(', ')}`)
    }
    if (setBy[name] !== undefined) throw new ConfigError(`connection.${key}`, value, `sets the same option as connection.${setBy[name]}; give only one of them`)
    setBy[name] = key
    options[name] = key === 'port' && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  }
  return options
}

/** The smaller of two optional timeouts: Knex's pool `createTimeoutMillis` and the driver's own connect timeout. */
export function smallerTimeout(a: unknown, b: number | undefined): unknown {
  if (b === undefined) return a
  return typeof a === 'number' ? Math.min(a, b) : (a ?? b)
}
