import { describe, expect, it } from 'vitest'
import type { SqlToken } from '../../src/sql/lexer/token.js'
import { tokenize } from '../../src/sql/tokenize.js'

/** The tokens as short strings: words as themselves, punctuation quoted, the rest by kind. */
function show(tokens: readonly SqlToken[]): string {
  return tokens
    .map((t) => {
      switch (t.kind) {
        case 'word':
          return t.text
        case 'punct':
          return `'${t.text}'`
        case 'quoted':
          return `"${t.text}"`
        default:
          return `<${t.kind}>`
      }
    })
    .join(' ')
}

const pg = (sql: string) => show(tokenize(sql, 'postgres'))
const my = (sql: string) => show(tokenize(sql, 'mysql'))
const lite = (sql: string) => show(tokenize(sql, 'sqlite'))

describe('the PostgreSQL lexer', () => {
  it('reads # as an operator character', () => {
    expect(pg("a #>> '{x}' FOR")).toBe("A '#' '>' '>' <literal> FOR")
    expect(pg('a #- b')).toBe("A '#' '-' B")
  })

  it('reads dollar quotes whose tags hold digits and underscores, and $1 as a parameter', () => {
    expect(pg('$q1$ x $q1$ A')).toBe('<literal> A')
    expect(pg('$_a9$ $q1$ $_a9$ B')).toBe('<literal> B')
    expect(pg('$$ x $$ C')).toBe('<literal> C')
    expect(pg('$1, $2 D')).toBe("<param> ',' <param> D")
    expect(pg('a$b$c')).toBe('A$B$C')
  })

  it('nests block comments, ends -- comments at a newline or carriage return', () => {
    expect(pg('A /* 1 /* 2 */ 3 */ B')).toBe('A B')
    expect(pg('A -- x\rB')).toBe('A B')
    expect(pg('A /* never ends')).toBe('A <unterminated>')
  })

  it("takes backslash escapes in E'' strings only, and distrusts a backslash before a quote elsewhere", () => {
    expect(pg("E'a\\'b' X")).toBe('<literal> X')
    expect(pg("'a\\b' X")).toBe('<literal> X')
    expect(pg("'a\\' X")).toBe('<unterminated>')
  })
})

describe('the MySQL/MariaDB lexer', () => {
  it('reads # as a comment, -- as one only before whitespace', () => {
    expect(my('A # x\nB')).toBe('A B')
    expect(my('v--1')).toBe("V '-' '-' <literal>")
    expect(my('v-- 1\nB')).toBe('V B')
    expect(my('v--')).toBe('V')
  })

  it('does not nest block comments', () => {
    expect(my('A /* 1 /* 2 */ B */')).toBe("A B '*' '/'")
  })

  it('reads the code in executable comments', () => {
    expect(my('A /*! FOR UPDATE */ B')).toBe('A FOR UPDATE B')
    expect(my('A /*!50000 FOR UPDATE */ B')).toBe('A FOR UPDATE B')
    expect(my('A /*M! FOR UPDATE */ B')).toBe('A FOR UPDATE B')
    expect(my('A /*M!100100 LOCK */ B')).toBe('A LOCK B')
    expect(my('A /*+ hint */ B')).toBe('A B')
  })

  it('distrusts comment markers and quotes that hide the end of an executable comment', () => {
    expect(my("A /*!99999 ' */ B '")).toBe('A <unterminated>')
    expect(my('A /*! # */ B')).toBe('A <unterminated>')
    expect(my('A /*! /* x */ */ B')).toBe('A <unterminated>')
    expect(my('A /*! B')).toBe('A B <unterminated>')
  })

  it('reads backslash escapes, double-quoted strings and backtick identifiers', () => {
    expect(my("'a\\\\' X")).toBe('<literal> X')
    expect(my('"FOR UPDATE" X')).toBe('<literal> X')
    expect(my('`for` X')).toBe('"for" X')
    expect(my("'it\\'s' X")).toBe('<unterminated>')
  })
})

describe('the SQLite lexer', () => {
  it('reads [brackets] and backticks as identifiers, does not nest comments, knows no dollar quotes', () => {
    expect(lite('[update] `for` "x"')).toBe('"update" "for" "x"')
    expect(lite('A /* /* */ B')).toBe('A B')
    expect(lite('$$ A')).toBe("'$' '$' A")
    expect(lite('A # B')).toBe("A '#' B")
  })
})
