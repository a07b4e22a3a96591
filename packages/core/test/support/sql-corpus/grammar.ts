import type { SqlFamily } from '../../../src/sql/lexer/token.js'
import { glued, raw, w, words, type Part } from './parts.js'
import type { Random } from './random.js'

/** One generated statement: its parts, and whether the generator put something in it that writes, locks or touches session state. */
export interface GeneratedStatement {
  readonly parts: readonly Part[]
  /** What the generator hid in it that must keep it off a replica (empty: it means to be a read). */
  readonly hazards: readonly string[]
}

/** The names the fixtures create (see `fixtures.ts`); the grammar only uses these. */
export const FIXTURE = {
  tables: ['diff_a', 'diff_b'],
  log: 'diff_log',
  sequence: 'diff_seq',
  volatileWriter: 'diff_bump',
  stableReader: 'diff_stable',
  shadowSchema: 'myschema',
} as const

type Family = Exclude<SqlFamily, 'sqlite'>

/**
 * A grammar of hostile but legal SQL over the fixture tables: SELECT shapes
 * (joins, unions, subqueries, CTEs), locking clauses in every position,
 * writes hidden in CTEs, functions and EXPLAIN ANALYZE, literals and quoted
 * identifiers full of keywords and comment markers. Each call draws one
 * statement; a statement without hazards is meant to be a read and must be
 * valid on the family's server.
 */
export class Grammar {
  readonly #family: Family
  readonly #random: Random
  #hazards: string[] = []
  #aliasCount = 0

  /** The MySQL database the fixtures live in: its stored `lower` is called as `<database>.lower`. */
  readonly #database: string

  constructor(family: Family, random: Random, database: string) {
    this.#family = family
    this.#random = random
    this.#database = database
  }

  statement(): GeneratedStatement {
    this.#hazards = []
    this.#aliasCount = 0
    const r = this.#random
    const shapes: Array<[number, () => Part[]]> = [
      [30, () => this.#select(true)],
      [6, () => this.#grouped()],
      [10, () => this.#setOperation()],
      [12, () => this.#withQuery()],
      [6, () => this.#explain()],
      [8, () => this.#write()],
      [4, () => this.#valuesOrShow()],
    ]
    const total = shapes.reduce((sum, [weight]) => sum + weight, 0)
    let roll = r.int(total)
    for (const [weight, make] of shapes) {
      if ((roll -= weight) < 0) return { parts: make(), hazards: this.#hazards }
    }
    throw new Error('unreachable')
  }

  #hazard(name: string): void {
    this.#hazards.push(name)
  }

  get #pg(): boolean {
    return this.#family === 'postgres'
  }

  #alias(): string {
    return `t${++this.#aliasCount}`
  }

  /** A quoted identifier: the family's quotes around a name that is a keyword. */
  #quotedColumn(name: 'update' | 'for'): Part {
    return raw(this.#pg ? `"${name}"` : `\`${name}\``)
  }

  /** An integer column of alias `a` (one is named "update"). */
  #intColumn(a: string): Part[] {
    const r = this.#random
    const name = r.pick([glued('id', true), glued('n', true), { ...this.#quotedColumn('update'), glue: true }])
    return [raw(a), glued('.'), name]
  }

  /** A text column of alias `a` (one is named "for"). */
  #textColumn(a: string): Part[] {
    const name = this.#random.pick([glued('v', true), { ...this.#quotedColumn('for'), glue: true }])
    return [raw(a), glued('.'), name]
  }

  #column(a: string): Part[] {
    return this.#random.chance(0.5) ? this.#intColumn(a) : this.#textColumn(a)
  }

  /** A string literal full of things that would matter as code. */
  #literal(): Part {
    const r = this.#random
    const common = ["'FOR UPDATE'", "'; DELETE FROM diff_a; --'", "'*/'", "'/*'", "'--'", "'#'", "'it''s'", "'$$'", "'$q1$'", "''", "'INSERT INTO'"]
    // text only: PostgreSQL compares a text column with none of bit strings, numbers
    const pg = ["$$ FOR UPDATE $$", "$q1$ DELETE FROM diff_a $q1$", "$a_b$ ' $a_b$", "E'it\\'s FOR UPDATE'", "E'\\\\'", "'C:\\'", "U&'d\\0061t'", "$Q$$q$$Q$"]
    const my = ["'it\\'s FOR UPDATE'", "'C:\\\\'", "\"FOR UPDATE\"", "\"it\"\"s\"", "'\\\\'", "_utf8mb4'LOCK IN SHARE MODE'", "x'41'", "N'FOR SHARE'"]
    return raw(r.pick([...common, ...(this.#pg ? pg : my)]))
  }

  /** A literal of any type: a string, a bit string, a hexadecimal, a number. */
  #anyLiteral(): Part {
    const r = this.#random
    if (r.chance(0.6)) return this.#literal()
    return raw(r.pick(["X'1F'", "B'101'", '1e3', '.5', '0.5e-3', ...(this.#pg ? [] : ['0x41'])]))
  }

  /** An expression over alias `a`. */
  #expression(a: string, depth: number): Part[] {
    const r = this.#random
    const roll = r.int(depth > 1 ? 10 : 16)
    switch (roll) {
      case 0:
      case 1:
        return this.#column(a)
      case 2:
        return [this.#anyLiteral()]
      case 3:
        return [w('lower'), glued('('), ...this.#textColumn(a), raw(')')]
      case 4:
        return [w('coalesce'), glued('('), ...this.#intColumn(a), raw(','), raw('0'), raw(')')]
      case 5:
        return [...this.#intColumn(a), raw('+'), raw('1')]
      case 6:
        // operators made of comment characters
        if (this.#pg) return r.pick([[raw(a), glued('.'), glued('doc', true), raw("#>> '{k}'")], [raw('(5 # 3)')], [raw(a), glued('.'), glued('doc', true), raw("#- '{k}'")], [raw('4 / 2 * 3')]])
        return r.pick([[raw(a), glued('.'), glued('n', true), raw('--1')], [raw('4 / 2 * 3')], [raw('1 - -1')]])
      case 7:
        return this.#functionCall(a)
      case 8:
        return [w('CASE'), w('WHEN'), ...this.#column(a), raw('IS'), w('NULL'), w('THEN'), this.#literal(), w('ELSE'), raw("'x'"), w('END')]
      case 9:
        return [raw('('), ...this.#scalarSubquery(depth + 1), raw(')')]
      default:
        return this.#column(a)
    }
  }

  /** A function call: mostly safe built-ins, sometimes one that writes, locks, or reads session state. */
  #functionCall(a: string): Part[] {
    const r = this.#random
    const id = (): Part[] => [raw(a), glued('.'), glued('id', true)]
    const call = (name: string, args: Part[], qualifier?: string): Part[] => [
      ...(qualifier === undefined ? [w(name)] : [raw(qualifier), glued('.'), glued(name, true)]),
      glued('('),
      ...args,
      raw(')'),
    ]
    const roll = r.int(12)
    if (roll < 5) return r.pick([call('upper', [raw("'x'")]), call('abs', id()), call('length', [raw("'abc'")]), call('concat', [raw("'a'"), raw(','), raw("'b'")]), call('round', [raw('1.5')])])
    if (roll < 7) {
      // a user's function: stable on PostgreSQL (its catalogue says safe), a stored function on MySQL (primary)
      if (!this.#pg) this.#hazard('stored function')
      return call(FIXTURE.stableReader, id())
    }
    if (roll === 7) {
      this.#hazard('volatile function that writes')
      return call(FIXTURE.volatileWriter, [])
    }
    if (roll === 8) {
      this.#hazard('schema-qualified function shadowing a built-in')
      return call('lower', [raw("'x'")], this.#pg ? FIXTURE.shadowSchema : this.#database)
    }
    const seq = FIXTURE.sequence
    if (roll === 9) {
      this.#hazard('sequence')
      if (this.#pg) return r.pick([call('nextval', [raw(`'${seq}'`)]), call('setval', [raw(`'${seq}'`), raw(','), raw('5')])])
      // MariaDB's sequences: functions, and the standard form without parentheses
      return r.pick([call('nextval', [raw(seq)]), call('setval', [raw(seq), raw(','), raw('5')]), [...words('NEXT VALUE FOR'), raw(seq)], [...words('PREVIOUS VALUE FOR'), raw(seq)]])
    }
    if (roll === 10) {
      this.#hazard('lock function')
      return this.#pg ? call(r.pick(['pg_advisory_lock', 'pg_try_advisory_lock', 'pg_advisory_xact_lock', 'pg_advisory_lock_shared']), [raw('42')]) : call('GET_LOCK', [raw("'diff'"), raw(','), raw('0')])
    }
    this.#hazard('session state')
    if (this.#pg) return r.pick([call('lastval', []), call('txid_current', []), call('set_config', [raw("'diff.x'"), raw(','), raw("'1'"), raw(','), w('false')])])
    return r.pick([call('LAST_INSERT_ID', []), call('RELEASE_LOCK', [raw("'diff'")]), [raw('('), raw('@diff_v'), raw(':='), raw('1'), raw(')')], call('lastval', [raw(seq)]), [raw('@@last_insert_id')], [raw('@@session.identity')]])
  }

  #table(): string {
    return this.#random.pick(FIXTURE.tables)
  }

  /** `SELECT max(x.id) FROM t x WHERE ...`: one value. */
  #scalarSubquery(depth: number): Part[] {
    const a = this.#alias()
    return [w('SELECT'), w('max'), glued('('), raw(a), glued('.'), glued('id', true), raw(')'), w('FROM'), raw(this.#table()), raw(a), ...this.#where(a, depth), ...this.#maybeLock(0.05)]
  }

  #where(a: string, depth: number): Part[] {
    const r = this.#random
    if (r.chance(0.3)) return []
    const b = this.#alias()
    const condition = r.pick([
      () => [raw(a), glued('.'), glued('id', true), raw('>'), raw('0')],
      () => [raw(a), glued('.'), glued('v', true), raw('<>'), this.#literal()],
      () => [raw(a), glued('.'), glued('id', true), w('IN'), raw('('), w('SELECT'), raw(b), glued('.'), glued('id', true), w('FROM'), raw(this.#table()), raw(b), ...this.#maybeLock(), raw(')')],
      () => [w('EXISTS'), raw('('), w('SELECT'), raw('1'), w('FROM'), raw(this.#table()), raw(b), w('WHERE'), raw(b), glued('.'), glued('id', true), raw('='), raw(a), glued('.'), glued('id', true), ...this.#maybeLock(0.1), raw(')')],
      () => [...this.#expression(a, depth + 1), w('IS'), w('NOT'), w('NULL')],
    ])()
    return [w('WHERE'), ...condition]
  }

  /** A locking clause, sometimes (a hazard when it is there). */
  #maybeLock(probability = 0.12): Part[] {
    const r = this.#random
    if (!r.chance(probability)) return []
    this.#hazard('locking clause')
    if (this.#pg) return words(r.pick(['FOR UPDATE', 'FOR SHARE', 'FOR NO KEY UPDATE', 'FOR KEY SHARE', 'FOR UPDATE SKIP LOCKED', 'FOR SHARE NOWAIT', 'FOR UPDATE OF t1', 'FOR SHARE OF t1 SKIP LOCKED']))
    const clause = r.pick(['FOR UPDATE', 'LOCK IN SHARE MODE', 'FOR UPDATE SKIP LOCKED', 'FOR UPDATE NOWAIT'])
    // in an executable comment, as MySQL dumps and MariaDB-aware code write them
    if (r.chance(0.4)) return [raw(`${r.pick(['/*!', '/*!50000 ', '/*M!', '/*M!100100 '])}${clause} */`)]
    return words(clause)
  }

  /** A SELECT over one table, maybe joined; `top` says it may carry ORDER BY / LIMIT / a lock at the end. */
  #select(top: boolean): Part[] {
    const r = this.#random
    const a = this.#alias()
    const list: Part[] = []
    const count = 1 + r.int(3)
    for (let i = 0; i < count; i++) {
      if (i > 0) list.push(raw(','))
      list.push(...this.#expression(a, 0))
      if (r.chance(0.3)) list.push(w('AS'), r.pick([raw(this.#pg ? '"select"' : '`select`'), raw('x' + i), raw(this.#pg ? '"for update"' : '`delete`'), raw(this.#pg ? '"a""b"' : '`a``b`'), raw(`a$${i}`), raw(this.#pg ? '"/*"' : '`#`')]))
    }
    const from: Part[] = [w('FROM'), ...this.#source(a)]
    if (r.chance(0.35)) {
      const b = this.#alias()
      from.push(...words(r.pick(['JOIN', 'LEFT JOIN', 'INNER JOIN'])), ...this.#source(b), w('ON'), raw(b), glued('.'), glued('id', true), raw('='), raw(a), glued('.'), glued('id', true))
    }
    const tail: Part[] = []
    if (top && r.chance(0.3)) tail.push(w('ORDER'), w('BY'), raw('1'))
    if (top && r.chance(0.3)) tail.push(w('LIMIT'), raw('5'))
    if (top) tail.push(...this.#maybeLock())
    if (top && r.chance(0.05)) {
      this.#hazard('SELECT INTO')
      return this.#pg
        ? [w('SELECT'), ...list.slice(0, 0), raw('*'), w('INTO'), w('TEMPORARY'), raw('diff_new'), ...from]
        : [w('SELECT'), ...this.#column(a), ...from, ...tail, w('LIMIT'), raw('1'), w('INTO'), raw('@diff_var')]
    }
    return [w('SELECT'), ...(r.chance(0.1) ? [w('DISTINCT')] : []), ...list, ...from, ...this.#where(a, 0), ...tail]
  }

  /** GROUP BY / HAVING with aggregates, or a window function. */
  #grouped(): Part[] {
    const r = this.#random
    const a = this.#alias()
    const key = this.#textColumn(a)
    if (r.chance(0.4)) {
      return [w('SELECT'), ...this.#intColumn(a), raw(','), w('row_number'), glued('('), raw(')'), w('OVER'), raw('('), w('PARTITION'), w('BY'), ...key, w('ORDER'), w('BY'), raw(a), glued('.'), glued('id', true), raw(')'), w('AS'), raw('rn'), w('FROM'), raw(this.#table()), raw(a), ...this.#maybeLock(0.05)]
    }
    const aggregate = r.pick([[w('count'), glued('('), raw('*'), raw(')')], [w('sum'), glued('('), ...this.#intColumn(a), raw(')')], [w('max'), glued('('), ...this.#intColumn(a), raw(')')]])
    return [w('SELECT'), ...key, raw(','), ...aggregate, w('FROM'), raw(this.#table()), raw(a), ...this.#where(a, 1), w('GROUP'), w('BY'), ...key, ...(r.chance(0.4) ? [w('HAVING'), w('count'), glued('('), raw('*'), raw(')'), raw('>'), raw('0')] : []), ...this.#maybeLock(0.05)]
  }

  /** A table, or a derived table (which may hold a lock). */
  #source(a: string): Part[] {
    const r = this.#random
    if (r.chance(0.75)) return [raw(this.#table()), raw(a)]
    const b = this.#alias()
    return [raw('('), w('SELECT'), raw('*'), w('FROM'), raw(this.#table()), raw(b), ...this.#where(b, 1), ...this.#maybeLock(0.2), raw(')'), raw(a)]
  }

  /** One-column SELECTs joined by UNION / INTERSECT / EXCEPT, parenthesised or not. */
  #setOperation(): Part[] {
    const r = this.#random
    const branch = (): Part[] => {
      const a = this.#alias()
      const body = [w('SELECT'), raw(a), glued('.'), glued('id', true), w('FROM'), raw(this.#table()), raw(a), ...this.#where(a, 1)]
      const lock = this.#maybeLock(0.1)
      // a lock in a branch needs the branch in parentheses
      return lock.length > 0 || r.chance(0.5) ? [raw('('), ...body, ...lock, raw(')')] : body
    }
    const parts = branch()
    const n = 1 + r.int(2)
    for (let i = 0; i < n; i++) parts.push(...words(r.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'])), ...branch())
    if (r.chance(0.3)) parts.push(w('ORDER'), w('BY'), raw('1'))
    return parts
  }

  /** WITH: CTEs that read, lock, or (PostgreSQL) modify data. */
  #withQuery(): Part[] {
    const r = this.#random
    const parts: Part[] = [w('WITH'), ...(r.chance(0.15) ? [w('RECURSIVE')] : [])]
    const names: string[] = []
    const n = 1 + r.int(2)
    for (let i = 0; i < n; i++) {
      const name = `c${i}`
      names.push(name)
      if (i > 0) parts.push(raw(','))
      parts.push(raw(name))
      if (r.chance(0.3)) parts.push(raw('('), glued('k', true), raw(')'))
      parts.push(w('AS'), ...(this.#pg && r.chance(0.15) ? words(r.pick(['MATERIALIZED', 'NOT MATERIALIZED'])) : []), raw('('))
      if (this.#pg && r.chance(0.15)) {
        this.#hazard('data-modifying CTE')
        parts.push(
          ...r.pick([
            () => [w('INSERT'), w('INTO'), raw(FIXTURE.log), raw('('), glued('v', true), raw(')'), w('VALUES'), raw('('), this.#literal(), raw(')'), w('RETURNING'), w('id')],
            () => [w('DELETE'), w('FROM'), raw(FIXTURE.log), w('WHERE'), w('false'), w('RETURNING'), w('id')],
            () => [w('UPDATE'), raw(FIXTURE.log), w('SET'), w('v'), raw('='), this.#literal(), w('WHERE'), w('false'), w('RETURNING'), w('id')],
          ])(),
        )
      } else {
        const a = this.#alias()
        parts.push(w('SELECT'), raw(a), glued('.'), glued('id', true), w('FROM'), raw(this.#table()), raw(a), ...this.#where(a, 1), ...this.#maybeLock(0.15))
      }
      parts.push(raw(')'))
    }
    const a = this.#alias()
    parts.push(w('SELECT'), raw('*'), w('FROM'), raw(names[r.int(names.length)]!), raw(a))
    return parts
  }

  /** EXPLAIN, with and without ANALYZE, of reads and writes. */
  #explain(): Part[] {
    const r = this.#random
    const analyzeWrite = r.chance(0.4)
    if (!this.#pg) {
      if (analyzeWrite) {
        this.#hazard('ANALYZE of a statement')
        return [w('ANALYZE'), ...this.#write(false)]
      }
      return [w('EXPLAIN'), ...(r.chance(0.3) ? [w('FORMAT'), glued('='), glued('JSON', true)] : []), ...this.#select(false)]
    }
    const options = r.pick([[], words('ANALYZE'), words('ANALYSE'), words('ANALYZE VERBOSE'), [raw('('), w('ANALYZE'), raw(')')], [raw('('), w('ANALYSE'), raw(')')], [raw('('), w('ANALYZE'), w('true'), raw(','), w('FORMAT'), w('json'), raw(')')], [raw('('), w('FORMAT'), w('json'), raw(')')]])
    if (analyzeWrite) {
      const before = this.#hazards.length
      const statement = this.#write(false)
      // EXPLAIN without ANALYZE only plans the write (still sent to the primary by the classifier)
      if (this.#hazards.length === before) this.#hazard('EXPLAIN of a write')
      return [w('EXPLAIN'), ...options, ...statement]
    }
    return [w('EXPLAIN'), ...options, ...this.#select(true)]
  }

  /** A plain write (a hazard). */
  #write(hazard = true): Part[] {
    const r = this.#random
    if (hazard) this.#hazard('write')
    else this.#hazard('write under EXPLAIN/ANALYZE')
    return r.pick([
      () => [w('INSERT'), w('INTO'), raw(FIXTURE.log), raw('('), glued('v', true), raw(')'), w('VALUES'), raw('('), this.#literal(), raw(')')],
      () => [w('UPDATE'), raw(FIXTURE.log), w('SET'), w('v'), raw('='), this.#literal(), w('WHERE'), w('id'), raw('='), raw('0')],
      () => [w('DELETE'), w('FROM'), raw(FIXTURE.log), w('WHERE'), w('id'), raw('='), raw('0')],
      () => [w('INSERT'), w('INTO'), raw(FIXTURE.log), raw('('), glued('v', true), raw(')'), w('SELECT'), w('v'), w('FROM'), raw('diff_a'), ...this.#maybeLock(0)],
    ])()
  }

  #valuesOrShow(): Part[] {
    const r = this.#random
    if (this.#pg) return r.pick([[w('VALUES'), raw('('), raw('1'), raw(','), this.#literal(), raw(')')], [w('TABLE'), raw('diff_a')], words('SHOW search_path')])
    return r.pick([words('SHOW TABLES'), [w('SHOW'), w('VARIABLES'), w('LIKE'), raw("'read_only'")], [w('DESCRIBE'), raw('diff_a')], [w('VALUES'), raw('('), raw('1'), raw(')')]])
  }
}
