import type { Dialect } from '@sluice/core'

/** Knex's connection settings, as a `connection` function resolves them. */
export type ConnectionSettings = Record<string, unknown>

/**
 * Knex's `connection` given as a function (sync or async), the way to fresh
 * credentials such as short-lived cloud IAM tokens. What it returns may carry
 * `expirationChecker()`: while that says false the settings are reused.
 */
export type ConnectionProvider = () => ConnectionSettings | Promise<ConnectionSettings>

/** Every optional `Dialect` member that takes the driver's connection first. */
const PER_CONNECTION = ['inTransaction', 'statementCacheStats', 'runPipelined', 'runBatch', 'writePosition', 'replayPosition', 'replicaLag', 'stream'] as const
/** Every optional `Dialect` member that does not depend on one connection. */
const SHARED = ['classify', 'positionReached'] as const

interface Resolved {
  readonly dialect: Dialect<any>
  readonly expired: (() => boolean) | undefined
}

/**
 * A dialect whose connection settings come from Knex's `connection`
 * function, resolved when a NEW connection is opened, exactly when stock
 * Knex calls it: on the first connection, and again for a later new
 * connection once the last result's `expirationChecker()` says it expired
 * (without one, the first result is kept, as in stock Knex). Each distinct
 * result gets a dialect of its own, built by `build`; a connection is served
 * by the dialect that opened it to the end.
 *
 * `template` (built from placeholder settings, never connected) tells which
 * optional capabilities the dialects have, so the pool sees the same ones
 * it would for static settings.
 */
export function providedDialect(template: Dialect<any>, provider: ConnectionProvider, build: (settings: ConnectionSettings) => Dialect<any>): Dialect<object> {
  const owners = new WeakMap<object, Dialect<any>>()
  const built: Dialect<any>[] = []
  let current: Resolved | undefined
  let resolving: Promise<Resolved> | undefined

  const resolve = (): Promise<Resolved> => {
    if (current && !current.expired?.()) return Promise.resolve(current)
    // concurrent connects share one call of the provider
    resolving ??= (async () => {
      try {
        const { settings, expirationChecker } = splitChecker(await provider())
        const dialect = build(settings)
        built.push(dialect)
        current = { dialect, expired: typeof expirationChecker === 'function' ? (expirationChecker as () => boolean) : undefined }
        return current
      } finally {
        resolving = undefined
      }
    })()
    return resolving
  }
  const ownerOf = (raw: object): Dialect<any> => {
    const owner = owners.get(raw)
    if (owner === undefined) throw new TypeError('@sluice/knex: this connection was not opened by this dialect')
    return owner
  }

  const dialect: Record<string, unknown> = {
    kind: template.kind,
    defaultHealthCheckQuery: template.defaultHealthCheckQuery,
    beginStatement: template.beginStatement,
    get description() {
      return current?.dialect.description ?? `${template.kind} (connection settings from a function, not resolved yet)`
    },
    async connect() {
      const { dialect } = await resolve()
      const raw = (await dialect.connect()) as object
      owners.set(raw, dialect)
      return raw
    },
    run: (raw: object, ...rest: unknown[]) => call(ownerOf(raw), 'run', raw, rest),
    ping: (raw: object, ...rest: unknown[]) => call(ownerOf(raw), 'ping', raw, rest),
    reset: (raw: object, ...rest: unknown[]) => call(ownerOf(raw), 'reset', raw, rest),
    close: (raw: object) => call(ownerOf(raw), 'close', raw, []),
    watch: (raw: object, ...rest: unknown[]) => call(ownerOf(raw), 'watch', raw, rest),
    // every dialect built by one flavor classifies errors alike
    isFatal: (error: unknown) => (current?.dialect ?? template).isFatal(error),
    async end() {
      await Promise.all(built.map((each) => each.end?.()))
    },
  }
  for (const name of PER_CONNECTION) {
    if (typeof template[name] === 'function') dialect[name] = (raw: object, ...rest: unknown[]) => call(ownerOf(raw), name, raw, rest)
  }
  for (const name of SHARED) {
    if (typeof template[name] !== 'function') continue
    dialect[name] = (...args: unknown[]) => {
      const target = (current?.dialect ?? template) as unknown as Record<string, (...args: unknown[]) => unknown>
      return target[name]!(...args)
    }
  }
  return dialect as unknown as Dialect<object>
}

/**
 * The settings without `expirationChecker`, keeping every own property as it
 * was defined: Knex hides `password` as a non-enumerable property, which an
 * object spread would drop.
 */
function splitChecker(resolved: ConnectionSettings): { settings: ConnectionSettings; expirationChecker: unknown } {
  const { expirationChecker: checker, ...descriptors } = Object.getOwnPropertyDescriptors(resolved)
  return { settings: Object.defineProperties({}, descriptors), expirationChecker: checker?.value }
}

function call(owner: Dialect<any>, name: string, raw: object, rest: unknown[]): any {
  const method = (owner as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!
  return method.call(owner, raw, ...rest)
}
