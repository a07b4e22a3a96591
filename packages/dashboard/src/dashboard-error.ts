import { SluiceError } from '@sluice/core'

/** The dashboard's server could not listen (port taken, address not on this machine). */
export class DashboardListenError extends SluiceError {
  readonly host: string
  readonly port: number

  constructor(host: string, port: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('SLUICE_DASHBOARD_LISTEN', `Sluice dashboard: cannot listen on ${host}:${port}: ${reason}`, { cause })
    this.host = host
    this.port = port
  }
}
