// @ts-check

/** Series colours, chosen to stay apart on the dark background and for common colour blindness. */
export const COLORS = {
  blue: '#5b9cf6',
  green: '#3ecf8e',
  amber: '#f5b942',
  red: '#f06a6a',
  purple: '#a78bfa',
  teal: '#2dd4bf',
  grey: '#7c8594',
}

/** Colours for a list of things (replicas), in turn. */
export const PALETTE = [COLORS.teal, COLORS.purple, COLORS.amber, COLORS.blue, COLORS.green, COLORS.red]

export const AXIS = {
  text: '#8b95a5',
  grid: 'rgba(139, 149, 165, 0.12)',
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
}
