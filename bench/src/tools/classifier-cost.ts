/**
 * What classifying a statement costs on the query path: nanoseconds per
 * `analyzeStatement` + function judging for typical ORM statements, per
 * family. Run: `tsx bench/src/tools/classifier-cost.ts`. Optional: a module
 * exporting another `classifyStatement(sql, options)` as the first argument,
 * to compare with an older classifier on the same statements.
 */
import { performance } from 'node:perf_hooks'
import { analyzeStatement, kindOf } from '../../../packages/core/src/sql/classify-statement.js'

const STATEMENTS = [
  'SELECT "id", "name", "email" FROM "users" WHERE "id" = $1',
  'select "orders"."id", "orders"."total_cents", "customers"."name" from "orders" inner join "customers" on "customers"."id" = "orders"."customer_id" where "orders"."status" = $1 order by "orders"."created_at" desc limit $2',
  'SELECT status, COUNT(*) AS n, SUM(total_cents) FROM demo_orders GROUP BY status',
  'WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval \'1 day\') SELECT count(*) FROM recent',
  'INSERT INTO "orders" ("customer_id", "total_cents") VALUES ($1, $2) RETURNING "id"',
  'UPDATE accounts SET balance = balance - $1 WHERE id = $2',
]

const MYSQL_STATEMENTS = STATEMENTS.map((sql) => sql.replaceAll('"', '`').replace(/\$\d/g, '?'))

function measure(label: string, fn: (sql: string) => unknown, statements = STATEMENTS): void {
  const rounds = 200_000
  for (let i = 0; i < 20_000; i++) fn(statements[i % statements.length]!)
  const start = performance.now()
  for (let i = 0; i < rounds; i++) fn(statements[i % statements.length]!)
  const nanos = ((performance.now() - start) * 1e6) / rounds
  console.log(`${label.padEnd(44)} ${nanos.toFixed(0).padStart(6)} ns per statement`)
}

const judge = () => undefined
measure('postgres: analyze + judge (new)', (sql) => kindOf(analyzeStatement(sql, 'postgres'), judge))
measure('mysql: analyze + judge (new)', (sql) => kindOf(analyzeStatement(sql, 'mysql'), judge), MYSQL_STATEMENTS)

const other = process.argv[2]
if (other) {
  const module = (await import(other)) as { classifyStatement(sql: string, options: { backslashEscapes: boolean }): unknown }
  measure('postgres: classifyStatement (given module)', (sql) => module.classifyStatement(sql, { backslashEscapes: false }))
  measure('mysql: classifyStatement (given module)', (sql) => module.classifyStatement(sql, { backslashEscapes: true }), MYSQL_STATEMENTS)
}
