/** Every default of the dashboard in one place, with its unit. */
export const DASHBOARD_DEFAULTS = {
  /** Loopback only: the page and `/metrics` are not reachable from another machine unless asked. */
  host: '127.0.0.1',
  /** 0: the system picks a free port; `dashboard.url` tells which. */
  port: 0,
  /** One sample of every pool per second, pushed to every open page. */
  refreshIntervalMillis: 1_000,
} as const

/** Below this the sampling itself would become noticeable work for a busy pool. */
export const MIN_REFRESH_INTERVAL_MILLIS = 100
export const MAX_REFRESH_INTERVAL_MILLIS = 60_000

/** Frames kept for a page that opens late: 3 minutes at the default interval. */
export const HISTORY_FRAMES = 180

/** Pool events (connect, remove, error) kept per pool between two samples. */
export const EVENTS_PER_FRAME = 50

/** Longest error message shown; a driver's message can be long. */
export const EVENT_MESSAGE_CHARS = 300

/** A page that stops reading is dropped once this much more than its history is buffered for it. */
export const MAX_BUFFERED_BYTES_PER_PAGE = 4 * 1024 * 1024

/** Statement fingerprints shown per pool (the most frequent). */
export const PATTERNS_SHOWN = 10
/** A fingerprint longer than this is clipped on the page. */
export const PATTERN_TEXT_CHARS = 300
