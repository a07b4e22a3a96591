/**
 * One contender host, measured once after a warm-up, in a process of its
 * own: what `instructions.ts` runs under callgrind. Prints `ops=<n>` (the
 * operations of the measured part) on its last line.
 *
 *   tsx bench/src/tools/host-workload.ts <spec JSON> <kind> <concurrency> <warm-up ops> <ops>
 *
 * Counts operations, not time: under valgrind time runs ~50x slower.
 */
import { localHost, type HostSpec } from '../harness/hosted.js'

const [specJson, kind, concurrencyText, warmupText, opsText] = process.argv.slice(2)
if (!specJson || !kind || !concurrencyText || !warmupText || !opsText) {
  console.error('usage: host-workload.ts <spec JSON> <kind> <concurrency> <warm-up ops> <ops>')
  process.exit(2)
}
const host = await localHost(JSON.parse(specJson) as HostSpec)
const contender = host.contender(kind)
const concurrency = Number(concurrencyText)
await contender.check()
await contender.measure({ concurrency, seconds: 0, operations: Number(warmupText) })
const sample = await contender.measure({ concurrency, seconds: 0, operations: Number(opsText) })
await host.close()
console.log(`ops=${sample.ops}`)
