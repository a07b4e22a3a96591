import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleAdapter } from '../bundle.js'
import { linkBetterSqlite3, npmInstall, REPO, replaceOnce, symlink } from '../install.js'
import { vitestOutcomes } from '../outcomes.js'
import { mysqlUrl, pgUrl } from '../servers.js'
import type { SuiteRecipe } from './suite.js'

/** What the three entry files and their shared test bodies import. */
const TEST_PACKAGES = ['vitest@3.2.4', 'dotenv@16', 'pg@8', 'mysql2@3', 'uuid@9', 'async-retry@1', 'get-port@7', 'dockerode@4', 'keyv@5']

interface Entry {
  /** The entry file, relative to integration-tests/. */
  readonly file: string
  /** The adapter entry bundled for it, and where the bundle goes. */
  readonly adapter: string
  readonly bundle: string
  /** The lines that build the stock client, and what builds the Sluice one instead. */
  readonly stock: string
  readonly sluice: string
}

/** The one edit to each entry file, in a copy (`*.sluice.test.ts`) the Sluice run uses; the stock run uses the file as it is. */
const ENTRIES: Readonly<Record<string, Entry>> = {
  postgres: {
    file: 'tests/pg/node-postgres.test.ts',
    adapter: 'adapters/drizzle/src/node-postgres/index.ts',
    bundle: 'sluice-drizzle-node-postgres.mjs',
    stock: '\t\tclient = new Client(connectionString);\n\t\tawait client.connect();\n',
    sluice: '\t\tclient = sluice.createSluicePgClient({ connectionString }) as any;\n',
  },
  mysql: {
    file: 'tests/mysql/mysql.test.ts',
    adapter: 'adapters/drizzle/src/mysql2/index.ts',
    bundle: 'sluice-drizzle-mysql2.mjs',
    stock: '\t\tclient = await mysql.createConnection({\n\t\t\turi: connectionString!,\n\t\t\tsupportBigNumbers: true,\n\t\t});\n\t\tawait client.connect();\n',
    sluice: '\t\tclient = sluice.createSluiceMysql2Client({ connectionString: connectionString!, supportBigNumbers: true }) as any;\n',
  },
  sqlite: {
    file: 'tests/sqlite/better-sqlite.test.ts',
    adapter: 'adapters/drizzle/src/better-sqlite3/index.ts',
    bundle: 'sluice-drizzle-better-sqlite3.mjs',
    stock: '\tclient = new Database(dbPath);\n',
    sluice: '\tclient = (await sluice.createSluiceSqliteClient({ filename: dbPath })) as any;\n',
  },
}

const sluiceCopy = (file: string) => file.replace(/\.test\.ts$/, '.sluice.test.ts')

/**
 * MySQL 8 ignores a column's inline `REFERENCES`; MariaDB enforces it, so the
 * suite's raw DDL would fail on MariaDB for the stock driver and Sluice alike.
 * Both runs use the same edited common file (docs/conformance.md).
 */
function dropInlineReferences(file: string): void {
  const source = readFileSync(file, 'utf8')
  writeFileSync(file, source.replace(/(\bint(?: not null)?) references [^,\n]*?\)(?: on delete cascade)?/g, '$1'))
}

const VITEST_CONFIG = `// written by the Sluice conformance harness: one entry file, no containers, files in sequence
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '~': fileURLToPath(new URL('../tests', import.meta.url)) } },
  test: { testTimeout: 100000, hookTimeout: 200000, fileParallelism: false, maxWorkers: 1 },
})
`

/**
 * Drizzle's integration tests for node-postgres, mysql2 and better-sqlite3
 * (vitest), at the nearest tag to the installed release, against the
 * installed drizzle-orm build from npm. Servers come from the suite's own
 * PG_CONNECTION_STRING / MYSQL_CONNECTION_STRING.
 */
export const drizzleRecipe: SuiteRecipe = {
  orm: 'drizzle',
  tag: '0.45.2 (no tag for 0.45.3/0.45.4), run against the installed 0.45.4 build',
  databases: { postgres: 'node-postgres', mysql: 'mysql2', sqlite: 'better-sqlite3' },

  async prepare(checkout) {
    const tests = join(checkout, 'integration-tests')
    const manifest = JSON.parse(readFileSync(join(REPO, 'adapters', 'drizzle', 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    const deps = join(checkout, '.sluice', 'deps')
    npmInstall(deps, [...TEST_PACKAGES, `drizzle-orm@${manifest.devDependencies['drizzle-orm']}`])
    const nodeModules = join(tests, 'node_modules')
    symlink(join(deps, 'node_modules'), nodeModules)
    linkBetterSqlite3(nodeModules)
    const common = join(tests, 'tests', 'mysql', 'mysql-common.ts')
    if (!existsSync(`${common}.orig`)) copyFileSync(common, `${common}.orig`)
    copyFileSync(`${common}.orig`, common)
    dropInlineReferences(common)
    mkdirSync(join(tests, '.sluice'), { recursive: true })
    writeFileSync(join(tests, '.sluice', 'vitest.config.mjs'), VITEST_CONFIG)
    for (const entry of Object.values(ENTRIES)) {
      await bundleAdapter(entry.adapter, join(tests, '.sluice', entry.bundle), 'esm')
      const copy = join(tests, sluiceCopy(entry.file))
      copyFileSync(join(tests, entry.file), copy)
      replaceOnce(copy, entry.stock, entry.sluice)
      writeFileSync(copy, `import * as sluice from '../../.sluice/${entry.bundle}';\n${readFileSync(copy, 'utf8')}`)
    }
  },

  commands(checkout, database, variant, files) {
    const entry = ENTRIES[database]!
    const file = variant === 'sluice' ? sluiceCopy(entry.file) : entry.file
    return [
      {
        cwd: join(checkout, 'integration-tests'),
        argv: ['node', 'node_modules/vitest/vitest.mjs', 'run', '--config', '.sluice/vitest.config.mjs', file, '--reporter=json', `--outputFile=${files.report}`],
        env: { PG_CONNECTION_STRING: pgUrl('drizzle'), MYSQL_CONNECTION_STRING: mysqlUrl('drizzle') },
      },
    ]
  },

  outcomes: (checkout, files) => vitestOutcomes(files.report, join(checkout, 'integration-tests'), (file) => file.replace('.sluice.test.ts', '.test.ts')),
}
