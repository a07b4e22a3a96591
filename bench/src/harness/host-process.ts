/**
 * The child side of `isolatedHost()`: builds one contender host from its
 * spec and answers check / measure / close from the parent, one at a time.
 */
import { type ContenderHost, type HostReply, type HostRequest, localHost } from './hosted.js'
import { collectGarbage } from './machine.js'

let host: ContenderHost | undefined
let closed = false

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'create':
      host = await localHost(request.spec)
      return host.meta
    case 'check':
      return host!.contender(request.kind).check()
    case 'measure':
      return host!.contender(request.kind).measure(request.options)
    case 'gc':
      // the parent's own GC cannot reach this heap
      collectGarbage()
      return undefined
    case 'close':
      await host?.close()
      closed = true
      return undefined
  }
}

// a parent that died (or was stopped) takes its contenders with it: their pools would keep the process alive
process.on('disconnect', () => process.exit(0))

process.on('message', (request: HostRequest) => {
  handle(request).then(
    (value) => send({ id: request.id, ok: true, value }),
    (error: unknown) => send({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  )
})

function send(reply: HostReply): void {
  // once closed, the reply is the last word: exit as soon as it is out
  process.send!(reply, () => {
    if (closed) process.exit(0)
  })
}
