import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { systemClock } from '../../util/clock.js'
import type { PgClient } from './pg-driver-types.js'

/** CancelRequest's and SSLRequest's protocol codes (1234.5678 and 1234.5679). */
const CANCEL_REQUEST_CODE = 80_877_102
const SSL_REQUEST_CODE = 80_877_103

/**
 * Asks the server to stop the statement running on `client`'s backend:
 * PostgreSQL's CancelRequest (the backend's pid and secret key, which pg
 * keeps from the BackendKeyData of the handshake), sent on a new connection
 * to the same host and port, over TLS first when `ssl` is set and the server
 * offers it. Resolves once the server has closed that connection (it
 * answers nothing else), rejects after `timeoutMillis` or on a socket error.
 */
export function sendPgCancel(client: PgClient, ssl: boolean | object | undefined, timeoutMillis: number): Promise<void> {
  const { processID, secretKey, host, port } = client
  if (typeof processID !== 'number' || typeof secretKey !== 'number') return Promise.reject(new Error('pg did not report the backend key needed to cancel a statement'))
  const packet = Buffer.alloc(16)
  packet.writeInt32BE(16, 0)
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4)
  packet.writeInt32BE(processID, 8)
  packet.writeInt32BE(secretKey, 12)
  return new Promise<void>((resolve, reject) => {
    const tcpHost = host ?? 'localhost'
    const onPath = tcpHost.startsWith('/')
    let socket: Socket = onPath ? connectTcp({ path: `${tcpHost}/.s.PGSQL.${port ?? 5432}` }) : connectTcp({ host: tcpHost, port: port ?? 5432 })
    const timer = systemClock.setTimeout(() => fail(new Error(`the cancel request got no answer within ${timeoutMillis}ms`)), timeoutMillis, 'awaited')
    const fail = (error: Error): void => {
      systemClock.clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    const send = (on: Socket): void => {
      socket = on
      on.on('error', fail)
      on.once('close', () => {
        systemClock.clearTimeout(timer)
        resolve()
      })
      on.end(packet)
    }
    socket.once('error', fail)
    socket.once('connect', () => {
      if (!ssl) return send(socket)
      const request = Buffer.alloc(8)
      request.writeInt32BE(8, 0)
      request.writeInt32BE(SSL_REQUEST_CODE, 4)
      socket.write(request)
      socket.once('data', (answer) => {
        // 'S': go on over TLS; anything else: the server takes the request in the clear
        if (answer[0] !== 0x53) return send(socket)
        const tlsOptions = typeof ssl === 'object' ? ssl : {}
        // SNI takes a name, never an address
        const servername = !onPath && isIP(tcpHost) === 0 ? tcpHost : undefined
        const secure = connectTls({ ...tlsOptions, socket, servername })
        secure.once('secureConnect', () => send(secure))
        secure.once('error', fail)
      })
    })
  })
}
