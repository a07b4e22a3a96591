import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FaultProxy } from './fault-proxy.js'

/** A tiny echo server: sends back whatever it receives, and counts its connections. */
class EchoServer {
  readonly sockets = new Set<Socket>()
  accepted = 0
  readonly #server: Server = createServer((socket) => {
    this.accepted++
    this.sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => this.sockets.delete(socket))
    socket.pipe(socket)
  })

  async start(): Promise<number> {
    this.#server.listen(0, '127.0.0.1')
    await once(this.#server, 'listening')
    return (this.#server.address() as { port: number }).port
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.#server.close(resolve))
  }
}

/** A client that keeps everything it receives and how its socket ended. */
class Client {
  readonly socket: Socket
  received = ''
  error: NodeJS.ErrnoException | undefined
  closed = false

  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port })
    this.socket.setEncoding('utf8')
    this.socket.on('data', (text: string) => (this.received += text))
    this.socket.on('error', (error) => (this.error = error))
    this.socket.on('close', () => (this.closed = true))
  }

  static async open(port: number): Promise<Client> {
    const client = new Client(port)
    await once(client.socket, 'connect')
    return client
  }

  send(text: string): void {
    this.socket.write(text)
  }

  async waitFor(condition: () => boolean, what: string, millis = 2_000): Promise<void> {
    const deadline = Date.now() + millis
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (received ${JSON.stringify(this.received)})`)
      await sleep(5)
    }
  }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

describe('the fault proxy', () => {
  let echo: EchoServer
  let proxy: FaultProxy
  const clients: Client[] = []
  const open = async (): Promise<Client> => {
    const client = await Client.open(proxy.port)
    clients.push(client)
    return client
  }

  beforeEach(async () => {
    echo = new EchoServer()
    const port = await echo.start()
    proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port } })
  })

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy()
    await proxy.close()
    await echo.stop()
  })

  it('forwards both ways and counts connections and bytes', async () => {
    const client = await open()
    client.send('hello')
    await client.waitFor(() => client.received === 'hello', 'the echo')
    expect(proxy.mode).toBe('pass')
    expect(proxy.counters()).toMatchObject({ accepted: 1, open: 1, blackholed: 0, resets: 0, bytesToServer: 5, bytesToClient: 5 })
    client.socket.end()
    await client.waitFor(() => client.closed, 'the close')
    await client.waitFor(() => proxy.counters().open === 0 && echo.sockets.size === 0, 'both sides to close')
  })

  it('delays every chunk in each direction', async () => {
    const client = await open()
    await proxy.delay(100)
    expect(proxy.mode).toBe('delay')
    const startedAt = Date.now()
    client.send('a')
    await client.waitFor(() => client.received === 'a', 'the echo')
    // 100 ms to the server and 100 ms back (timers may fire a millisecond early)
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(100 * 2 - 5)
  })

  it('keeps chunks in order when the delay changes', async () => {
    const client = await open()
    await proxy.delay(150)
    client.send('a')
    await sleep(20)
    await proxy.pass()
    client.send('b')
    await client.waitFor(() => client.received.length === 2, 'both echoes')
    // 'b' had no delay of its own, yet did not overtake 'a'
    expect(client.received).toBe('ab')
  })

  it('carries a large transfer intact through a freeze and a delay', async () => {
    const client = await open()
    await proxy.freeze()
    const payload = Array.from({ length: 20_000 }, (_, i) => `${i},`).join('')
    client.send(payload)
    await sleep(50)
    await proxy.delay(2)
    await client.waitFor(() => client.received.length >= payload.length, 'the whole echo', 10_000)
    expect(client.received).toBe(payload)
  })

  it('freezes open and new connections without closing them, and delivers everything after pass()', async () => {
    const before = await open()
    await proxy.freeze()
    before.send('one')
    const during = await open()
    during.send('two')
    await sleep(200)
    expect(before.received + during.received).toBe('')
    expect(before.closed || during.closed).toBe(false)
    expect(proxy.mode).toBe('freeze')
    await proxy.pass()
    await before.waitFor(() => before.received === 'one', 'the held echo')
    await during.waitFor(() => during.received === 'two', 'the held echo of the connection opened while frozen')
  })

  it('blackholes new connections while dropping, and leaves open ones working', async () => {
    const before = await open()
    await proxy.drop()
    const dropped = await open()
    dropped.send('lost')
    before.send('kept')
    await before.waitFor(() => before.received === 'kept', 'the open connection to keep working')
    await sleep(100)
    expect(dropped.received).toBe('')
    expect(dropped.closed).toBe(false)
    expect(echo.accepted).toBe(1)
    expect(proxy.counters()).toMatchObject({ accepted: 2, blackholed: 1, open: 2 })
    await proxy.pass()
    const after = await open()
    after.send('back')
    await after.waitFor(() => after.received === 'back', 'a new connection after pass()')
  })

  it('resets every open connection on both sides', async () => {
    const a = await open()
    const b = await open()
    a.send('x')
    await a.waitFor(() => a.received === 'x', 'the echo')
    await b.waitFor(() => echo.sockets.size === 2, 'the server to see both')
    expect(proxy.reset()).toBe(2)
    await a.waitFor(() => a.closed && b.closed, 'both clients to be closed')
    expect(a.error?.code).toBe('ECONNRESET')
    expect(b.error?.code).toBe('ECONNRESET')
    await a.waitFor(() => echo.sockets.size === 0, 'the server side to be closed')
    expect(proxy.counters()).toMatchObject({ resets: 2, open: 0 })
    // the proxy itself keeps serving
    const c = await open()
    c.send('y')
    await c.waitFor(() => c.received === 'y', 'a new connection after the reset')
  })

  it('refuses new connections while refusing, keeps open ones, and listens on the same port again', async () => {
    const before = await open()
    const port = proxy.port
    await proxy.refuse()
    expect(proxy.mode).toBe('refuse')
    const refused = new Client(port)
    await refused.waitFor(() => refused.closed, 'the refused connect to fail')
    expect(refused.error?.code).toBe('ECONNREFUSED')
    before.send('still')
    await before.waitFor(() => before.received === 'still', 'the open connection to keep working')
    await proxy.pass()
    expect(proxy.port).toBe(port)
    const after = await open()
    after.send('again')
    await after.waitFor(() => after.received === 'again', 'a connection after listening again')
  })

  it('keeps frozen connections frozen while refusing', async () => {
    const client = await open()
    await proxy.freeze()
    await proxy.refuse()
    client.send('held')
    await sleep(100)
    expect(client.received).toBe('')
    await proxy.pass()
    await client.waitFor(() => client.received === 'held', 'the held echo')
  })

  it('resets the client when the target refuses, without failing itself', async () => {
    await echo.stop()
    const client = new Client(proxy.port)
    clients.push(client)
    await client.waitFor(() => client.closed, 'the client to be closed')
    expect(client.error?.code).toBe('ECONNRESET')
    expect(proxy.counters()).toMatchObject({ accepted: 1, open: 0 })
  })

  it('listens on a free port of the range it is given', async () => {
    const ranged = await FaultProxy.start({ target: { host: '127.0.0.1', port: 1 }, port: { from: 16_990, to: 16_999 } })
    try {
      expect(ranged.port).toBeGreaterThanOrEqual(16_990)
      expect(ranged.port).toBeLessThanOrEqual(16_999)
    } finally {
      await ranged.close()
    }
  })

  it('closes every connection on close()', async () => {
    const client = await open()
    await proxy.drop()
    const dropped = await open()
    await proxy.close()
    await client.waitFor(() => client.closed && dropped.closed, 'both clients to be closed')
    expect(echo.accepted).toBe(1)
  })
})
