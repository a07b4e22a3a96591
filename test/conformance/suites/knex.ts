import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { bundleAdapter } from '../bundle.js'
import { linkBetterSqlite3, npmInstall, REPO, symlink } from '../install.js'
import { mochaOutcomes } from '../outcomes.js'
import { ACCOUNTS, MYSQL, PG } from '../servers.js'
import type { SuiteCommand, SuiteRecipe } from './suite.js'

/**
 * The suite loads the sqlite3 module whatever DB says, and installing it
 * would download a prebuilt binary: build it here against this Node's own
 * headers (a few minutes, once).
 */
function buildSqlite3(dir: string): void {
  if (existsSync(join(dir, 'build', 'Release', 'node_sqlite3.node'))) return
  console.log('[conformance] building sqlite3 for the Knex suite (once)')
  const nodeGyp = join(dir, '..', 'node-gyp', 'bin', 'node-gyp.js')
  execFileSync('node', [nodeGyp, 'rebuild', `--nodedir=${dirname(dirname(process.execPath))}`, '-j', '2'], { cwd: dir, stdio: 'inherit' })
}

/**
 * Knex 3.3.0's integration suite (`test/mocha-integration-config-test.js`).
 * The Sluice run loads `.sluice/preload.cjs` into every process (NODE_OPTIONS),
 * which makes Knex's client lookup answer the Sluice client; the suite's
 * files are not changed. Both runs take their connections from KNEX_TEST
 * (the suite's own hook for local servers).
 */
export const knexRecipe: SuiteRecipe = {
  orm: 'knex',
  tag: '3.3.0',
  databases: { postgres: 'postgres', mysql: 'mysql2', sqlite: 'better-sqlite3' },

  async prepare(checkout) {
    // the suite's own dependencies, as its package.json lists them
    npmInstall(checkout, [])
    linkBetterSqlite3(join(checkout, 'node_modules'))
    buildSqlite3(join(checkout, 'node_modules', 'sqlite3'))
    // the adapter bundle requires 'knex': the checkout itself
    symlink(checkout, join(checkout, 'node_modules', 'knex'))
    await bundleAdapter('adapters/knex/src/index.ts', join(checkout, '.sluice', 'sluice-knex.cjs'), 'cjs')
    copyFileSync(join(REPO, 'test', 'conformance', 'inject', 'knex-preload.cjs'), join(checkout, '.sluice', 'preload.cjs'))
    const { database, pgUser, pgPassword, mysqlUser, mysqlPassword } = ACCOUNTS.knex
    const connections = {
      postgres: { host: PG.host, port: PG.port, database, user: pgUser, password: pgPassword },
      mysql: { host: MYSQL.host, port: MYSQL.port, database, user: mysqlUser, password: mysqlPassword, charset: 'utf8' },
    }
    writeFileSync(join(checkout, '.sluice', 'connections.cjs'), `module.exports = ${JSON.stringify(connections, null, 2)}\n`)
  },

  commands(checkout, database, variant, files) {
    const env: Record<string, string> = { DB: knexRecipe.databases[database]!, KNEX_TEST: join(checkout, '.sluice', 'connections.cjs') }
    if (variant === 'sluice') env.NODE_OPTIONS = `-r ${join(checkout, '.sluice', 'preload.cjs')}`
    const mocha = (extra: string[], output: string): SuiteCommand => ({
      cwd: checkout,
      argv: ['node', 'node_modules/mocha/bin/mocha.js', '--exit', '-t', '10000', '--config', 'test/mocha-integration-config-test.js', ...extra, '--reporter', 'json', '--reporter-option', `output=${output}`],
      env,
    })
    return [mocha(['--dry-run'], files.listed), mocha([], files.report)]
  },

  outcomes: (checkout, files) => mochaOutcomes(files.report, checkout, files.listed),
}
