import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../../../../test/services/redis.sh', import.meta.url))

/** The machine's Redis (test/services/redis.sh starts one on loopback when none answers). */
export const REDIS_PORT = Number(process.env.SLUICE_TEST_REDIS_PORT ?? 6379)
/** A private Redis that a test may stop (the helper's reserved range). */
export const PRIVATE_REDIS_PORT = 6390

/** Runs `redis.sh verb port`. */
export function redisService(verb: 'start' | 'stop' | 'status', port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, verb, String(port)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis.sh ${verb} ${port} failed: ${error.message}\n${stdout}${stderr}`))
      else resolve()
    })
  })
}
