import { Console } from 'node:console'
import { debugNamespaces } from './debug-namespaces.js'
import { safeDetails } from './log-details.js'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The part of the engine a line comes from; `DEBUG=sluice:<topic>` turns one on. */
export const LOG_TOPICS = ['pool', 'connection', 'routing', 'breaker', 'housekeeping', 'pipeline', 'workflow'] as const
export type LogTopic = (typeof LOG_TOPICS)[number]

/** A log sink: `(level, message, details)`. Messages and details never carry secrets or bound values. */
export type LogFunction = (level: LogLevel, message: string, details?: Record<string, unknown>) => void

/**
 * A logger object with one method per level: pino, bunyan (`info(details,
 * message)`), or `console` (`info(message, details)`, told apart by being a
 * `Console`).
 */
export interface LoggerObject {
  debug(...args: any[]): unknown
  info(...args: any[]): unknown
  warn(...args: any[]): unknown
  error(...args: any[]): unknown
}

/**
 * How the pool logs: a logger object (pino, `console`), your own function,
 * a list of levels to print to the console, or `false` for silence.
 */
export type LogConfig = false | readonly LogLevel[] | LogFunction | LoggerObject

/** The engine's log call; `topic` (default `pool`) picks the `DEBUG` namespace. */
export type Logger = (level: LogLevel, message: string, details?: Record<string, unknown>, topic?: LogTopic) => void

type Sink = (level: LogLevel, message: string, details: Record<string, unknown>, topic: LogTopic) => void

/**
 * Turns a LogConfig into one function that never throws. Every line carries
 * the node (`prefix`: the pool's or replica's name) in its details; `debug`
 * (the `DEBUG` variable, read now) adds every line of the topics it names to
 * stderr, whatever the config.
 */
export function createLogger(config: LogConfig, prefix: string, debug: string | undefined = process.env.DEBUG): Logger {
  const sinks: Sink[] = []
  const configured = sinkOf(config, prefix)
  if (configured) sinks.push(configured)
  const debugOn = debugNamespaces(debug)
  if (LOG_TOPICS.some((topic) => debugOn(`sluice:${topic}`))) sinks.push(stderrSink(prefix, debugOn))
  if (sinks.length === 0) return () => {}
  return (level, message, details, topic = 'pool') => {
    const safe = safeDetails(details, prefix)
    for (const sink of sinks) {
      try {
        sink(level, message, safe, topic)
      } catch {
        // a broken logger must not break the pool
      }
    }
  }
}

function sinkOf(config: LogConfig, prefix: string): Sink | undefined {
  if (config === false) return undefined
  if (typeof config === 'function') return (level, message, details) => config(level, `${prefix}: ${message}`, details)
  if (Array.isArray(config)) return consoleSink(console, prefix, new Set(config as readonly LogLevel[]))
  const logger = config as LoggerObject
  // console's methods print every argument: it gets info and above, as its own debug would go to stdout
  if (logger === console || logger instanceof Console) return consoleSink(logger, prefix, new Set(['info', 'warn', 'error']))
  return (level, message, details) => void logger[level](details, `${prefix}: ${message}`)
}

function consoleSink(out: LoggerObject, prefix: string, levels: ReadonlySet<LogLevel>): Sink {
  return (level, message, details) => {
    if (!levels.has(level)) return
    const line = `[${prefix}] ${level}: ${message}`
    if (Object.keys(details).length <= 1) out[level](line)
    else out[level](line, details)
  }
}

/** What `DEBUG=sluice*` prints: one line per event, the details as JSON. */
function stderrSink(prefix: string, on: (namespace: string) => boolean): Sink {
  return (level, message, details, topic) => {
    const namespace = `sluice:${topic}`
    if (!on(namespace)) return
    const { node: _node, ...rest } = details
    const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`
    process.stderr.write(`${new Date().toISOString()} ${namespace} [${prefix}] ${level}: ${message}${extra}\n`)
  }
}
