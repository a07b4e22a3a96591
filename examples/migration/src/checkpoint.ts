import { readFile, rename, rm, writeFile } from 'node:fs/promises'

/** Where a migration stands: every source row with an id up to `lastId` is written to the target. */
export interface Checkpoint {
  readonly lastId: number
  readonly migrated: number
}

export const START: Checkpoint = { lastId: 0, migrated: 0 }

/** A checkpoint file, written only after the target committed the rows it covers. */
export class CheckpointFile {
  readonly path: string

  constructor(path: string) {
    this.path = path
  }

  async load(): Promise<Checkpoint> {
    try {
      const saved = JSON.parse(await readFile(this.path, 'utf8')) as Partial<Checkpoint>
      if (!Number.isSafeInteger(saved.lastId) || !Number.isSafeInteger(saved.migrated)) throw new Error(`${this.path} is not a migration checkpoint`)
      return { lastId: saved.lastId!, migrated: saved.migrated! }
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return START
      throw error
    }
  }

  /** Written to a temporary file and renamed over the old one: a crash mid-write leaves the previous checkpoint. */
  async save(checkpoint: Checkpoint): Promise<void> {
    const temporary = `${this.path}.tmp`
    await writeFile(temporary, JSON.stringify(checkpoint))
    await rename(temporary, this.path)
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true })
  }
}
