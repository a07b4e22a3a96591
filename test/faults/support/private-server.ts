import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export type ServerKind = 'postgres' | 'mysql'
export type ServerVerb = 'start' | 'stop' | 'restart' | 'kill' | 'status'

const SCRIPTS: Record<ServerKind, string> = {
  postgres: fileURLToPath(new URL('../../services/private-pg.sh', import.meta.url)),
  mysql: fileURLToPath(new URL('../../services/private-mariadb.sh', import.meta.url)),
}

/** The private servers' account (see test/services/private-pg.sh and private-mariadb.sh). */
export const PRIVATE_USER = 'sluice'
export const PRIVATE_PASSWORD = 'sluice-secret'
export const PRIVATE_DATABASE = 'sluice'

/**
 * A private PostgreSQL or MariaDB server on a port of its own, which a test
 * may stop, restart and kill (test/services/private-*.sh, run as root).
 */
export class PrivateServer {
  readonly kind: ServerKind
  readonly port: number

  constructor(kind: ServerKind, port: number) {
    this.kind = kind
    this.port = port
  }

  /** Runs one verb of the server's script; resolves with how long it took. */
  run(verb: ServerVerb): Promise<number> {
    const startedAt = performance.now()
    return new Promise((resolve, reject) => {
      execFile('bash', [SCRIPTS[this.kind], verb, String(this.port)], { timeout: 90_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${this.kind} server ${this.port}: ${verb} failed: ${error.message}\n${stdout}${stderr}`))
        else resolve(Math.round(performance.now() - startedAt))
      })
    })
  }

  start(): Promise<number> {
    return this.run('start')
  }

  stop(): Promise<number> {
    return this.run('stop')
  }

  kill(): Promise<number> {
    return this.run('kill')
  }
}
