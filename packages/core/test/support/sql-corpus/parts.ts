import type { SqlFamily } from '../../../src/sql/lexer/token.js'
import type { Random } from './random.js'

/**
 * One lexical unit of a generated statement. A statement is a list of parts
 * so that a perturbation can change what lies between them (whitespace,
 * comments) and the case of keywords without changing what the statement
 * means: `glue` parts follow the previous one with nothing between (a
 * function name and its parenthesis, `schema.name`), `word` parts are
 * keywords and case-insensitive names (their case may change), and the rest
 * (literals, quoted identifiers, aliases) are kept as written.
 */
export interface Part {
  readonly text: string
  readonly word?: boolean
  readonly glue?: boolean
}

export const w = (text: string): Part => ({ text, word: true })
export const raw = (text: string): Part => ({ text })
export const glued = (text: string, word = false): Part => ({ text, glue: true, word })
/** Parts from a space-separated run of keywords. */
export const words = (text: string): Part[] => text.split(' ').map(w)

/** How a statement's parts are joined and spelled. */
export interface Style {
  readonly separators: 'plain' | 'whitespace' | 'comments'
  readonly caseOf: 'upper' | 'lower' | 'mixed' | 'as-written'
  /** MySQL/MariaDB only: wrap some keywords in executable comments that always run. */
  readonly executable: boolean
}

export const PLAIN: Style = { separators: 'plain', caseOf: 'as-written', executable: false }

/** Comments that each family's server reads as comments; each holds text that would matter if read as code. */
const COMMENTS: Readonly<Record<SqlFamily, readonly string[]>> = {
  postgres: [
    '/* FOR UPDATE */', '/* nested /* DELETE FROM x; */ still a comment; INSERT */', '-- FOR SHARE; DROP TABLE x\n',
    "/* ' */", '/*$$*/', '--\n', '/**/', "-- '\n", '/* # */',
  ],
  mysql: [
    '/* FOR UPDATE */', '# FOR UPDATE; DELETE FROM x\n', '-- FOR SHARE\n', "-- '\n", '#\n', '/**/', "/* ' */",
    '/* -- */', '/*+ hint */', '-- \t\n',
  ],
  sqlite: ['/* FOR UPDATE */', '-- DELETE\n', '/**/'],
}

const WHITESPACE = [' ', '\n', '\t', '  ', '\r\n', ' \n\t ']

/** The statement's text in `style`. */
export function render(parts: readonly Part[], family: SqlFamily, style: Style, random: Random): string {
  let out = ''
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    let text = part.word ? spell(part.text, style, random) : part.text
    const next = parts[i + 1]
    if (style.executable && family === 'mysql' && part.word && !part.glue && !next?.glue && random.chance(0.15)) {
      text = `${random.pick(['/*!', '/*!50000 ', '/*M!', '/*M!100100 '])}${text} */`
    }
    if (i > 0 && !part.glue) out += separator(family, style, random)
    out += text
  }
  return out
}

function separator(family: SqlFamily, style: Style, random: Random): string {
  if (style.separators === 'plain') return ' '
  if (style.separators === 'whitespace' || !random.chance(0.2)) return random.pick(WHITESPACE)
  return ` ${random.pick(COMMENTS[family])} `
}

function spell(text: string, style: Style, random: Random): string {
  switch (style.caseOf) {
    case 'upper':
      return text.toUpperCase()
    case 'lower':
      return text.toLowerCase()
    case 'mixed':
      return [...text].map((c) => (random.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('')
    case 'as-written':
      return text
  }
}
