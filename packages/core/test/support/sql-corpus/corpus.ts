import type { SqlFamily } from '../../../src/sql/lexer/token.js'
import { Grammar } from './grammar.js'
import { PLAIN, render, type Style } from './parts.js'
import { Random } from './random.js'

/** The seed CI uses; `SLUICE_CORPUS_SEED=<n>` replays another corpus. */
export const DEFAULT_SEED = 20_261_205

export function corpusSeed(): number {
  const given = process.env.SLUICE_CORPUS_SEED
  return given === undefined || given === '' ? DEFAULT_SEED : Number.parseInt(given, 10)
}

/** One statement of the corpus, with variants that differ only in whitespace, comments and case. */
export interface CorpusEntry {
  readonly index: number
  readonly sql: string
  readonly hazards: readonly string[]
  /** The same statement perturbed: each must classify as `sql` does. */
  readonly variants: readonly string[]
}

const VARIANT_STYLES: readonly Style[] = [
  { separators: 'whitespace', caseOf: 'lower', executable: false },
  { separators: 'comments', caseOf: 'mixed', executable: false },
  { separators: 'comments', caseOf: 'upper', executable: true },
]

/**
 * `count` statements of `family`, drawn from the grammar with `seed`: the
 * same seed gives the same corpus, so a failure is replayed with
 * `SLUICE_CORPUS_SEED`.
 */
export function generateCorpus(family: Exclude<SqlFamily, 'sqlite'>, seed: number, count: number, database: string): CorpusEntry[] {
  const random = new Random(seed)
  const grammar = new Grammar(family, random, database)
  const entries: CorpusEntry[] = []
  for (let index = 0; index < count; index++) {
    const { parts, hazards } = grammar.statement()
    entries.push({
      index,
      sql: render(parts, family, PLAIN, random),
      hazards,
      variants: VARIANT_STYLES.map((style) => render(parts, family, style, random)),
    })
  }
  return entries
}
