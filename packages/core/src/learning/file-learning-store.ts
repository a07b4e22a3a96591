import { readFile, rename, writeFile } from 'node:fs/promises'
import { ArgumentError } from '../errors/argument-error.js'
import type { LearningStore } from './learning-store.js'

/**
 * A learning store in one JSON file. It is written to a temporary file and
 * renamed over the old one, so a crash mid-write leaves the previous copy.
 *
 * ```ts
 * createPool({ dialect, learning: { store: fileLearningStore('/var/lib/app/pool-learning.json') } })
 * ```
 */
export function fileLearningStore(path: string): LearningStore {
  if (typeof path !== 'string' || path.length === 0) throw new ArgumentError('fileLearningStore()', 'path', 'must be a non-empty string')
  return {
    async load() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
      return JSON.parse(text) as unknown
    },
    async save(snapshot) {
      const temporary = `${path}.${process.pid}.tmp`
      await writeFile(temporary, JSON.stringify(snapshot))
      await rename(temporary, path)
    },
  }
}
