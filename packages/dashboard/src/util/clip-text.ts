import { EVENT_MESSAGE_CHARS } from '../config/defaults.js'

/** A driver's message as the page shows it: at most `EVENT_MESSAGE_CHARS` characters. */
export function clipText(text: string): string {
  return text.length > EVENT_MESSAGE_CHARS ? `${text.slice(0, EVENT_MESSAGE_CHARS - 1)}…` : text
}
