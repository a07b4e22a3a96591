import { build } from 'esbuild'
import { join } from 'node:path'
import { REPO } from './install.js'

/** Modules a bundle leaves to the checkout, so that the suite and the adapter share one instance of each. */
const SHARED_MODULES = ['knex', 'knex/*', 'kysely', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'pg/*', 'pg-cursor', 'mysql2', 'mysql2/*', 'better-sqlite3']

/**
 * Bundles one adapter entry with the engine from this workspace's sources
 * into a single file inside the checkout. The ORM and the drivers stay
 * outside the bundle and resolve from the checkout at run time, so the
 * suite's `instanceof` checks see the classes the adapter uses.
 */
export async function bundleAdapter(entry: string, outfile: string, format: 'cjs' | 'esm'): Promise<void> {
  await build({
    entryPoints: [join(REPO, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    conditions: ['@sluice/source'],
    external: SHARED_MODULES,
    logLevel: 'warning',
    // the knex adapter reaches Knex's CommonJS files with createRequire(import.meta.url)
    ...(format === 'cjs' ? { define: { 'import.meta.url': '__sluiceBundleUrl' }, banner: { js: "const __sluiceBundleUrl = require('node:url').pathToFileURL(__filename).href;" } } : {}),
  })
}
