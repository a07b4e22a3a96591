export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** A log sink: `(level, message, details)`. Messages never carry secrets. */
export type LogFunction = (level: LogLevel, message: string, details?: Record<string, unknown>) => void

/**
 * How the pool logs: `false` for silence, a list of levels to print to the
 * console, or your own function (pino, winston, ...).
 */
export type LogConfig = false | readonly LogLevel[] | LogFunction

export type Logger = (level: LogLevel, message: string, details?: Record<string, unknown>) => void

/** Turns a LogConfig into one function that never throws. */
export function createLogger(config: LogConfig, prefix: string): Logger {
  if (config === false) return () => {}
  if (typeof config === 'function') {
    return (level, message, details) => {
      try {
        config(level, `${prefix}: ${message}`, details)
      } catch {
        // a broken logger must not break the pool
      }
    }
  }
  const enabled = new Set(config)
  return (level, message, details) => {
    if (!enabled.has(level)) return
    const line = `[${prefix}] ${level}: ${message}`
    const print = level === 'error' ? console.error : level === 'warn' ? console.warn : console.log
    if (details === undefined) print(line)
    else print(line, details)
  }
}
