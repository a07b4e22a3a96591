import { describe, expect, it } from 'vitest'
import { resolveRoutingConfig, type RoutingOptions } from '../../src/config/routing-config.js'
import { judgeFromCatalogue, type CatalogueRow } from '../../src/dialects/pg/pg-function-safety.js'
import { FunctionSafety, type FunctionLookup } from '../../src/routing/function-safety.js'
import { analyzeStatement } from '../../src/sql/classify-statement.js'
import type { FunctionCall } from '../../src/sql/function-call.js'
import { ManualClock } from '../support/manual-clock.js'

/** A catalogue that answers from a table and counts the questions. */
function catalogue(verdicts: Record<string, 'safe' | 'unsafe'>): FunctionLookup & { asked: string[][] } {
  const asked: string[][] = []
  const lookup = async (calls: readonly FunctionCall[]) => {
    asked.push(calls.map((c) => (c.schema ? `${c.schema}.${c.name}` : c.name)))
    const answer = new Map<string, 'safe' | 'unsafe'>()
    for (const call of calls) {
      const key = call.schema ? `${call.schema}.${call.name}` : call.name
      if (verdicts[key]) answer.set(key, verdicts[key])
    }
    return answer
  }
  return Object.assign(lookup, { asked })
}

function safety(options: RoutingOptions, lookup: FunctionLookup | undefined, clock = new ManualClock()) {
  return new FunctionSafety(resolveRoutingConfig(options), lookup, clock, () => undefined)
}

const pg = (sql: string) => analyzeStatement(sql, 'postgres')

describe('FunctionSafety', () => {
  it('asks the database once per function while the answer is fresh, built-ins included (for shadows)', async () => {
    const lookup = catalogue({ stable_fn: 'safe', bump: 'unsafe' })
    const clock = new ManualClock()
    const functions = safety({ functionCacheMillis: 1_000 }, lookup, clock)
    expect(await functions.kind(pg('SELECT lower(v), count(*) FROM t GROUP BY 1'))).toBe('read')
    expect(await functions.kind(pg('SELECT lower(v) FROM t'))).toBe('read')
    expect(await functions.kind(pg('SELECT stable_fn(1)'))).toBe('read')
    expect(await functions.kind(pg('SELECT bump()'))).toBe('unknown')
    expect(await functions.kind(pg('SELECT stable_fn(2), bump()'))).toBe('unknown')
    // a qualified built-in is the built-in: nothing to ask
    expect(await functions.kind(pg('SELECT pg_catalog.upper(v) FROM t'))).toBe('read')
    expect(lookup.asked).toEqual([['lower', 'count'], ['stable_fn'], ['bump']])
    // the answer expires: a function replaced since is asked about again
    await clock.advance(1_000)
    expect(await functions.kind(pg('SELECT stable_fn(3)'))).toBe('read')
    expect(lookup.asked).toEqual([['lower', 'count'], ['stable_fn'], ['bump'], ['stable_fn']])
  })

  it("sends a built-in's statements to the primary once the database says a function of that name shadows it", async () => {
    const lookup = catalogue({ lower: 'unsafe' })
    const functions = safety({}, lookup)
    // before the answer, the classifier's word on the built-in stands (the routed handle's path, which does not wait)
    expect(functions.kindNow(pg("SELECT lower('X')"))).toBe('read')
    expect(await functions.kind(pg("SELECT lower('X')"))).toBe('unknown')
    expect(functions.kindNow(pg("SELECT lower('X')"))).toBe('unknown')
    expect(await functions.kind(pg("SELECT pg_catalog.lower('X')"))).toBe('read')
    // without a catalogue (MySQL), built-ins are never asked about
    expect(await safety({}, undefined).kind(pg("SELECT lower('X')"))).toBe('read')
  })

  it('asks once for concurrent statements calling the same function', async () => {
    const lookup = catalogue({ stable_fn: 'safe' })
    const functions = safety({}, lookup)
    const kinds = await Promise.all([1, 2, 3].map((n) => functions.kind(pg(`SELECT stable_fn(${n})`))))
    expect(kinds).toEqual(['read', 'read', 'read'])
    expect(lookup.asked).toEqual([['stable_fn']])
  })

  it('sends a call the database does not know, or a failed lookup, to the primary without remembering the failure', async () => {
    let fail = true
    const lookup: FunctionLookup = async (calls) => {
      if (fail) throw new Error('connection refused')
      return new Map(calls.map((c) => [c.name, 'safe' as const]))
    }
    const functions = safety({}, lookup)
    expect(await functions.kind(pg('SELECT stable_fn(1)'))).toBe('unknown')
    // a built-in keeps the classifier's word when the database cannot be asked
    expect(await functions.kind(pg('SELECT count(*) FROM t'))).toBe('read')
    fail = false
    expect(await functions.kind(pg('SELECT stable_fn(1)'))).toBe('read')
    expect(await safety({}, catalogue({})).kind(pg('SELECT nobody_knows()'))).toBe('unknown')
    expect(await safety({}, undefined).kind(pg('SELECT stable_fn(1)'))).toBe('unknown')
  })

  it('lets the user vouch for a function, or forbid one whatever the database says', async () => {
    const lookup = catalogue({ stable_fn: 'safe', 'myschema.reader': 'safe' })
    const functions = safety({ safeFunctions: ['counted_writer', 'app.report'], unsafeFunctions: ['stable_fn', 'lower'] }, lookup)
    expect(await functions.kind(pg('SELECT counted_writer()'))).toBe('read')
    expect(await functions.kind(pg('SELECT app.report(1)'))).toBe('read')
    // a qualified allowance does not cover the unqualified name, which the search path may resolve elsewhere
    expect(await functions.kind(pg('SELECT report(1)'))).toBe('unknown')
    expect(await functions.kind(pg('SELECT stable_fn(1)'))).toBe('unknown')
    // a denied name is denied in every schema, built-ins included
    expect(await functions.kind(pg("SELECT lower('X')"))).toBe('unknown')
    expect(await functions.kind(pg("SELECT pg_catalog.lower('X')"))).toBe('unknown')
    expect(await safety({ unsafeFunctions: ['left'] }, lookup).kind(pg("SELECT left('abc', 2) FROM a LEFT JOIN b ON true"))).toBe('unknown')
    expect(await safety({}, lookup).kind(pg("SELECT left('abc', 2) FROM a LEFT JOIN (SELECT 1) b ON true"))).toBe('read')
    expect(await functions.kind(pg('SELECT myschema.reader()'))).toBe('read')
    // lists never turn a write into a read
    expect(await functions.kind(pg('SELECT counted_writer() FROM t FOR UPDATE'))).toBe('write')
  })

  it('on MySQL a stored function goes to the primary unless the user vouches for it', async () => {
    const my = (sql: string) => analyzeStatement(sql, 'mysql')
    expect(await safety({}, undefined).kind(my('SELECT report_total(1)'))).toBe('unknown')
    expect(await safety({ safeFunctions: ['report_total'] }, undefined).kind(my('SELECT REPORT_TOTAL(1)'))).toBe('read')
    expect(await safety({ safeFunctions: ['report_total'] }, undefined).kind(my("SELECT GET_LOCK('x', 1), report_total(1)"))).toBe('unknown')
  })
})

describe("PostgreSQL's catalogue judge", () => {
  const row = (nspname: string, proname: string, provolatile: string, prokind = 'f', onPath = true): CatalogueRow => ({ nspname, proname, provolatile, prokind, on_path: onPath })
  const call = (name: string, schema?: string, builtin?: 'safe'): FunctionCall => ({ name, schema, builtin })

  it('calls a function safe when every overload it may resolve to is immutable or stable', () => {
    const rows = [
      row('public', 'f', 's'),
      row('public', 'f', 'i'),
      row('public', 'g', 's'),
      row('other', 'g', 'v', 'f', false),
      row('public', 'h', 's'),
      row('app', 'h', 'v'),
      row('myschema', 'lower', 'v', 'f', false),
      row('pg_catalog', 'lower', 'i'),
      row('public', 'agg', 'i', 'a'),
      row('pg_catalog', 'sum', 'i', 'a'),
    ]
    const verdicts = judgeFromCatalogue([call('f'), call('g'), call('h'), call('lower', 'myschema'), call('lower'), call('agg'), call('sum'), call('missing'), call('g', 'other')], rows)
    expect(Object.fromEntries(verdicts)).toEqual({
      f: 'safe',
      // a schema off the search path does not matter to an unqualified call
      g: 'safe',
      // one volatile overload on the path is enough to send it to the primary
      h: 'unsafe',
      'myschema.lower': 'unsafe',
      lower: 'safe',
      // a user's aggregate is marked immutable whatever its transition function does
      agg: 'unsafe',
      sum: 'safe',
      missing: 'unsafe',
      'other.g': 'unsafe',
    })
  })

  it('judges an unqualified built-in by its shadows outside pg_catalog only', () => {
    const rows = [
      row('pg_catalog', 'random', 'v'),
      row('pg_catalog', 'lower', 'i'),
      row('public', 'lower', 'v'),
      row('pg_catalog', 'upper', 'i'),
      row('public', 'upper', 's'),
      row('elsewhere', 'upper', 'v', 'f', false),
    ]
    const verdicts = judgeFromCatalogue([call('random', undefined, 'safe'), call('lower', undefined, 'safe'), call('upper', undefined, 'safe'), call('count', undefined, 'safe')], rows)
    expect(Object.fromEntries(verdicts)).toEqual({ random: 'safe', lower: 'unsafe', upper: 'safe', count: 'safe' })
  })
})
