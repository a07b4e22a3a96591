import { postgres } from '../src/dialects/pg/index.js'
const d = postgres({ connectionString: 'postgres://sluice:sluice-secret@127.0.0.1:5432/sluice' }) as any
const c = await d.connect()
await d.run(c, 'DROP TABLE IF EXISTS pipe_scratch', undefined, {})
await d.run(c, 'CREATE TABLE pipe_scratch (id int primary key, v text)', undefined, {})
let rfq = 0
c.connection.on('readyForQuery', () => rfq++)
for (const mode of ['sequential', 'transactional', 'independent']) {
  await d.run(c, 'DELETE FROM pipe_scratch', undefined, {})
  rfq = 0
  const out = await d.runBatch(c, [
    { sql: 'INSERT INTO pipe_scratch VALUES ($1, $2)', params: [1, 'a'] },
    { sql: 'SELECT $1::int AS n, now() AS t', params: [7] },
    { sql: 'INSERT INTO pipe_scratch VALUES ($1, $2)', params: [1, 'dup'] },
    { sql: 'INSERT INTO pipe_scratch VALUES ($1, $2)', params: [3, 'c'] },
  ], mode)
  const rows = (await d.run(c, 'SELECT id FROM pipe_scratch ORDER BY id', undefined, {})).rows
  console.log(mode, 'rfq', rfq, out.map((o: any) => o.status === 'ok' ? 'ok:' + JSON.stringify(o.result.rows) + ':' + o.result.affectedRows : o.status + (o.error ? ':' + o.error.message : '')), 'table', JSON.stringify(rows), 'status', c.getTransactionStatus())
}
const many = await Promise.all(Array.from({ length: 50 }, (_, i) => d.runPipelined(c, 'SELECT $1::int AS n', [i], {})))
console.log('pipelined ok', many.every((r: any, i: number) => r.rows[0].n === i))
const mixed = await Promise.allSettled([d.runPipelined(c, 'SELECT 1/0', [], {}), d.runPipelined(c, 'SELECT 2 AS x', [], {}), d.runPipelined(c, 'SELECT $1::text AS x', ['y'], { rowMode: 'array' })])
console.log(mixed.map((m: any) => m.status === 'fulfilled' ? JSON.stringify(m.value.rows) : m.reason.message))
console.log((await d.run(c, 'SELECT 42 AS z', undefined, {})).rows)
await d.close(c)
