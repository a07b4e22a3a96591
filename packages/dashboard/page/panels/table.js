// @ts-check
import { el } from '../dom.js'

/**
 * A small table whose cells are text.
 * @param {string[]} headings
 * @param {string[][]} rows
 * @param {(row: string[], index: number) => Record<string, string>} [rowAttrs]
 */
export function textTable(headings, rows, rowAttrs) {
  return el('table', { className: 'table' }, [
    el('thead', {}, [el('tr', {}, headings.map((h) => el('th', { text: h })))]),
    el('tbody', {}, rows.map((row, i) => el('tr', { attrs: rowAttrs?.(row, i) ?? {} }, row.map((cell) => el('td', { text: cell }))))),
  ])
}
