import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleAdapter } from '../bundle.js'
import { installedPackageDir, linkBetterSqlite3, npmInstall, symlink } from '../install.js'
import { mochaOutcomes } from '../outcomes.js'
import { ACCOUNTS, MYSQL, PG } from '../servers.js'
import type { SuiteRecipe } from './suite.js'

/** What the node tests import, at the versions the checkout's package.json pins. */
const TEST_PACKAGES = ['chai', 'chai-as-promised', 'mocha', 'pg', 'pg-cursor', 'mysql2', 'tarn', 'tedious', 'sinon', 'pathe', 'typescript', '@types/mocha', '@types/node']

const MARKER = '// ---- added by the Sluice conformance harness'

/**
 * Appended to test/node/src/test-setup.ts: the suite's connection settings
 * point at the local servers (both runs), and with SLUICE_CONFORMANCE set the
 * three dialects of DB_CONFIGS become the Sluice dialects with the same
 * settings (the MySQL setup's `multipleStatements` included) and the same
 * pool size.
 */
function setupPatch(): string {
  const { database, pgUser, mysqlUser, mysqlPassword } = ACCOUNTS.kysely
  return `
${MARKER} (test/conformance/suites/kysely.ts) ----
import { createRequire as sluiceCreateRequire } from 'node:module'
Object.assign(DIALECT_CONFIGS.postgres, { host: '${PG.host}', port: ${PG.port}, database: '${database}', user: '${pgUser}' })
Object.assign(DIALECT_CONFIGS.mysql, { host: '${MYSQL.host}', port: ${MYSQL.port}, database: '${database}', user: '${mysqlUser}', password: '${mysqlPassword}' })
if (process.env.SLUICE_CONFORMANCE) {
  const require = sluiceCreateRequire(import.meta.url)
  const sluice = require('../../../.sluice/sluice-kysely.cjs')
  const pgConfig = DIALECT_CONFIGS.postgres as any
  const mysqlConfig = DIALECT_CONFIGS.mysql as any
  ;(DB_CONFIGS.postgres as any).dialect = new sluice.SluicePostgresDialect({
    pool: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, user: pgConfig.user, max: POOL_SIZE },
    driver: require('pg'),
  })
  ;(DB_CONFIGS.mysql as any).dialect = new sluice.SluiceMysqlDialect({
    pool: { host: mysqlConfig.host, port: mysqlConfig.port, database: mysqlConfig.database, user: mysqlConfig.user, password: mysqlConfig.password, supportBigNumbers: true, bigNumberStrings: true, multipleStatements: mysqlConfig.multipleStatements, max: POOL_SIZE },
    driver: require('mysql2'),
  })
  ;(DB_CONFIGS.sqlite as any).dialect = new sluice.SluiceSqliteDialect({ pool: { filename: DIALECT_CONFIGS.sqlite.databasePath }, driver: require('better-sqlite3') })
}
`
}

/** SLUICE_KYSELY_BUILD=own: the checkout's own build (0.28.17) instead of the installed release. */
function ownBuild(): boolean {
  return process.env.SLUICE_KYSELY_BUILD === 'own'
}

/** The CommonJS build the tests import (`dist/cjs`), as the checkout's `build:cjs` and `module-fixup` scripts make it. */
function buildOwn(checkout: string, nodeModules: string): void {
  execFileSync('node', [join(nodeModules, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig-cjs.json', '--noCheck'], { cwd: checkout, stdio: 'inherit' })
  // the node tests import only the CommonJS half; module-fixup writes a package.json into both
  mkdirSync(join(checkout, 'dist', 'esm'), { recursive: true })
  execFileSync('node', ['scripts/module-fixup.cjs'], { cwd: checkout, stdio: 'inherit' })
}

/**
 * Kysely's node suite (mocha over `test/node`), at the nearest tag to the
 * installed release. The suite runs against the installed build (copied to
 * the checkout's `dist/`), which is what the adapter is built against; its
 * test-setup.ts gets the block above.
 */
export const kyselyRecipe: SuiteRecipe = {
  orm: 'kysely',
  get tag() {
    return ownBuild() ? 'v0.28.17, its own build' : 'v0.28.17 (no tag for 0.28.18/0.28.19), run against the installed 0.28.19 build'
  },
  databases: { postgres: 'postgres', mysql: 'mysql', sqlite: 'sqlite' },

  async prepare(checkout) {
    const manifest = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    const deps = join(checkout, '.sluice', 'deps')
    npmInstall(deps, TEST_PACKAGES.map((name) => `${name}@${manifest.devDependencies[name]}`))
    const nodeModules = join(checkout, 'node_modules')
    symlink(join(deps, 'node_modules'), nodeModules)
    linkBetterSqlite3(nodeModules)
    symlink(checkout, join(nodeModules, 'kysely'))
    rmSync(join(checkout, 'dist'), { recursive: true, force: true })
    if (ownBuild()) buildOwn(checkout, nodeModules)
    else cpSync(join(installedPackageDir('kysely', 'kysely'), 'dist'), join(checkout, 'dist'), { recursive: true })
    const setup = join(checkout, 'test', 'node', 'src', 'test-setup.ts')
    const source = readFileSync(setup, 'utf8')
    writeFileSync(setup, (source.includes(MARKER) ? source.slice(0, source.indexOf(`\n${MARKER}`)) : source) + setupPatch())
    await bundleAdapter('adapters/kysely/src/index.ts', join(checkout, '.sluice', 'sluice-kysely.cjs'), 'cjs')
    rmSync(join(checkout, 'test', 'node', 'dist'), { recursive: true, force: true })
    // --noCheck: the tests' types need the suite's whole toolchain; only the JavaScript matters here
    execFileSync('node', [join(nodeModules, 'typescript', 'bin', 'tsc'), '-p', 'test/node', '--noCheck'], { cwd: checkout, stdio: 'inherit' })
    if (!existsSync(join(checkout, 'test', 'node', 'dist', 'test-setup.js'))) throw new Error('[conformance] the Kysely tests did not compile')
  },

  commands(checkout, database, variant, files) {
    const env: Record<string, string> = { DIALECTS: database }
    if (variant === 'sluice') env.SLUICE_CONFORMANCE = '1'
    const mocha = (extra: string[], output: string) => ({
      cwd: checkout,
      argv: ['node', 'node_modules/mocha/bin/mocha.js', '--timeout', '15000', 'test/node/dist/**/*.test.js', ...extra, '--reporter', 'json', '--reporter-option', `output=${output}`],
      env,
    })
    return [mocha(['--dry-run'], files.listed), mocha([], files.report)]
  },

  resultsFolder: () => (ownBuild() ? 'results-own-build' : 'results'),

  outcomes: (checkout, files) => mochaOutcomes(files.report, checkout, files.listed),
}
