/**
 * One contender host, measured once after a warm-up, in a process of its
 * own: what `instructions.ts` runs under callgrind. Prints `ops=<n>` (the
 * operations of the measured part) on its last line.
 *
 *   tsx bench/src/tools/host-workload.ts <spec JSON> <kind> <concurrency> <warm-up ops> <ops> [<co-tenant spec JSON>]
 *
 * With a co-tenant, a second host shares the process as in the suite's
 * default (every contender in one process): it is warmed up in turns with
 * the measured host, stays open, and is not measured.
 *
 * Counts operations, not time: under valgrind time runs ~50x slower.
 */
import { localHost, type HostSpec } from '../harness/hosted.js'

const [specJson, kind, concurrencyText, warmupText, opsText, coTenantJson] = process.argv.slice(2)
if (!specJson || !kind || !concurrencyText || !warmupText || !opsText) {
  console.error('usage: host-workload.ts <spec JSON> <kind> <concurrency> <warm-up ops> <ops> [<co-tenant spec JSON>]')
  process.exit(2)
}
const host = await localHost(JSON.parse(specJson) as HostSpec)
const contender = host.contender(kind)
const concurrency = Number(concurrencyText)
const warmup = Number(warmupText)
await contender.check()
if (coTenantJson) {
  const coTenant = await localHost(JSON.parse(coTenantJson) as HostSpec)
  const other = coTenant.contender(kind)
  await other.check()
  // in turns, as the suite's rounds alternate contenders
  for (let turn = 0; turn < 2; turn++) {
    await other.measure({ concurrency, seconds: 0, operations: warmup / 2 })
    await contender.measure({ concurrency, seconds: 0, operations: warmup / 2 })
  }
  const sample = await contender.measure({ concurrency, seconds: 0, operations: Number(opsText) })
  await coTenant.close()
  await host.close()
  console.log(`ops=${sample.ops}`)
} else {
  await contender.measure({ concurrency, seconds: 0, operations: warmup })
  const sample = await contender.measure({ concurrency, seconds: 0, operations: Number(opsText) })
  await host.close()
  console.log(`ops=${sample.ops}`)
}
