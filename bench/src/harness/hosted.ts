import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Contender, MeasureOptions, Sample } from './types.js'

/** What every contender of one host has in common (the host is one pool, client or library set-up). */
export type HostMeta = Pick<Contender, 'name' | 'role' | 'library' | 'isDefault' | 'warmUp'>

/**
 * One pool (or client) set up once and measured in several cases: `kind`
 * names the work (`select1`, `point`, `cycles`, `query`), and each kind's
 * contender is built once and reused, so its compiled loop and inline
 * caches carry over from warm-up to the rounds.
 */
export interface ContenderHost {
  readonly meta: HostMeta
  contender(kind: string): Contender
  close(): Promise<void>
}

/**
 * How to build a host anywhere: a module (its file URL), the name of an
 * exported factory returning `Promise<ContenderHost>`, and arguments that
 * survive structured cloning. With it a host can be built in this process or
 * in a child process of its own (`--isolate`).
 */
export interface HostSpec {
  readonly module: string
  readonly factory: string
  readonly args: readonly unknown[]
}

export type HostFactory = (...args: any[]) => Promise<ContenderHost>

/** Builds the host in this process. */
export async function localHost(spec: HostSpec): Promise<ContenderHost> {
  const mod = (await import(spec.module)) as Record<string, unknown>
  const factory = mod[spec.factory]
  if (typeof factory !== 'function') throw new Error(`${spec.module} exports no factory ${spec.factory}`)
  return (factory as HostFactory)(...spec.args)
}

/** Caches one contender per kind: a host's `contender()` is called once per case and round. */
export function contenderCache(meta: HostMeta, build: (kind: string) => Pick<Contender, 'check' | 'measure'> & Partial<Contender>): (kind: string) => Contender {
  const built = new Map<string, Contender>()
  return (kind) => {
    let c = built.get(kind)
    if (!c) {
      c = { ...meta, ...build(kind) }
      built.set(kind, c)
    }
    return c
  }
}

// ---- a host in a child process -------------------------------------------------

const HOST_PROCESS = fileURLToPath(new URL('./host-process.ts', import.meta.url))

/** Messages to the child (see host-process.ts). */
export type HostRequest =
  | { readonly id: number; readonly op: 'create'; readonly spec: HostSpec }
  | { readonly id: number; readonly op: 'check'; readonly kind: string }
  | { readonly id: number; readonly op: 'measure'; readonly kind: string; readonly options: MeasureOptions }
  | { readonly id: number; readonly op: 'gc' }
  | { readonly id: number; readonly op: 'close' }

export type HostReply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: string }

/**
 * Builds the host in a child node of its own (same loader flags, so tsx
 * works; --expose-gc so that the runner's GC before each measurement
 * reaches it). The parent keeps the round-robin: it asks one child at a time to
 * check and measure, so the pairing of rounds and the rotation are the same
 * as in one process, but no contender's classes, inline caches, optimized
 * code or garbage share a heap with another's.
 */
export async function isolatedHost(spec: HostSpec): Promise<ContenderHost> {
  const child = fork(HOST_PROCESS, [], { execArgv: [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const rpc = new HostRpc(child)
  const meta = (await rpc.call({ op: 'create', spec })) as HostMeta
  const contender = contenderCache(meta, (kind) => ({
    ...meta,
    check: async () => void (await rpc.call({ op: 'check', kind })),
    collectGarbage: async () => void (await rpc.call({ op: 'gc' })),
    measure: async (options) => (await rpc.call({ op: 'measure', kind, options })) as Sample,
  }))
  return { meta, contender, close: () => rpc.close() }
}

class HostRpc {
  readonly #child: ChildProcess
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  #sequence = 0
  #exited: Error | undefined

  constructor(child: ChildProcess) {
    this.#child = child
    child.on('message', (reply: HostReply) => {
      const waiting = this.#pending.get(reply.id)
      if (!waiting) return
      this.#pending.delete(reply.id)
      if (reply.ok) waiting.resolve(reply.value)
      else waiting.reject(new Error(reply.error))
    })
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`contender process exited (${signal ?? code})`)
      for (const waiting of this.#pending.values()) waiting.reject(this.#exited)
      this.#pending.clear()
    })
  }

  call(request: DistributiveOmit<HostRequest, 'id'>): Promise<unknown> {
    if (this.#exited) return Promise.reject(this.#exited)
    const id = ++this.#sequence
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#child.send({ ...request, id })
    })
  }

  async close(): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    await this.call({ op: 'close' }).catch(() => undefined)
    await exited
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
