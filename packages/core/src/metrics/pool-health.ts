import type { BreakerState } from '../resilience/breaker-stats.js'

export const HEALTH_STATUSES = ['up', 'degraded', 'down'] as const
/** `up`: serving normally; `degraded`: serving, with a problem worth a look; `down`: cannot serve. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number]

/** One node (the primary, or a replica) in `pool.health()`. */
export interface NodeHealth {
  readonly name: string
  readonly role: 'primary' | 'replica'
  readonly status: HealthStatus
  /** The node's circuit breaker, `off` with `breaker: false`. */
  readonly breaker: BreakerState | 'off'
  readonly totalConnections: number
  readonly activeConnections: number
  /** Acquires waiting for a connection of this node (the primary's only). */
  readonly pendingAcquires: number
  /** What is wrong with it, when something is. */
  readonly reason?: string
  /** A replica's lag at its last check, in ms. */
  readonly lagMillis?: number
  /** With `health({ ping: true })`: how long the node took to answer. */
  readonly pingMillis?: number
}

/** What `pool.health()` returns: cheap enough for a readiness probe, and never a secret. */
export interface PoolHealth {
  readonly status: HealthStatus
  /** One line per problem, naming the node (empty when up). */
  readonly reasons: readonly string[]
  readonly nodes: readonly NodeHealth[]
}

/** A live ping's answer: how long it took, or why it failed. */
export interface PingOutcome {
  readonly pingMillis?: number
  readonly pingError?: string
}

/** What the primary's pool knows about itself. */
export interface PrimaryFacts {
  readonly name: string
  readonly closed: boolean
  readonly breaker: BreakerState | 'off'
  readonly retryAfterMillis: number | undefined
  readonly max: number
  readonly totalConnections: number
  readonly activeConnections: number
  readonly pendingAcquires: number
  /** The last failed connect, while no connect has succeeded since. */
  readonly connectError: string | undefined
  readonly pingMillis?: number
  readonly pingError?: string
}

/** What the router knows about one replica. */
export interface ReplicaFacts {
  readonly name: string
  readonly inRotation: boolean
  readonly reason: string | undefined
  readonly breaker: BreakerState | 'off'
  readonly lagMillis: number | undefined
  readonly totalConnections: number
  readonly activeConnections: number
  readonly pingMillis?: number
  readonly pingError?: string
}

/**
 * The rules, in one place: the primary down (closed, breaker open, nothing
 * open and connects failing, a failed ping) is `down`; a primary breaker
 * half-open, a saturated primary with acquires waiting, failing connects
 * beside open connections, or a replica out of the read rotation (reads then
 * go to the primary) is `degraded`.
 */
export function assessHealth(primary: PrimaryFacts, replicas: readonly ReplicaFacts[]): PoolHealth {
  const primaryNode = assessPrimary(primary)
  const replicaNodes = replicas.map(assessReplica)
  const nodes = [primaryNode, ...replicaNodes]
  const reasons = nodes.flatMap((node) => (node.reason === undefined ? [] : [`${node.role} ${node.name}: ${node.reason}`]))
  const status: HealthStatus = primaryNode.status === 'down' ? 'down' : nodes.some((node) => node.status !== 'up') ? 'degraded' : 'up'
  return { status, reasons, nodes }
}

function assessPrimary(facts: PrimaryFacts): NodeHealth {
  const [status, reason] = primaryProblem(facts)
  return {
    name: facts.name,
    role: 'primary',
    status,
    breaker: facts.breaker,
    totalConnections: facts.totalConnections,
    activeConnections: facts.activeConnections,
    pendingAcquires: facts.pendingAcquires,
    ...(reason === undefined ? {} : { reason }),
    ...(facts.pingMillis === undefined ? {} : { pingMillis: facts.pingMillis }),
  }
}

function primaryProblem(facts: PrimaryFacts): [HealthStatus, string | undefined] {
  if (facts.closed) return ['down', 'the pool is closed']
  if (facts.breaker === 'open') return ['down', `circuit breaker open${facts.retryAfterMillis === undefined ? '' : ` (probes in ${Math.round(facts.retryAfterMillis)}ms)`}`]
  if (facts.pingError !== undefined) return ['down', `ping failed: ${facts.pingError}`]
  if (facts.connectError !== undefined) {
    return facts.totalConnections === 0 ? ['down', `cannot connect: ${facts.connectError}`] : ['degraded', `connects failing: ${facts.connectError}`]
  }
  if (facts.breaker === 'half-open') return ['degraded', 'circuit breaker half-open (trial calls)']
  if (facts.pendingAcquires > 0 && facts.activeConnections >= facts.max) {
    return ['degraded', `saturated: all ${facts.max} connections in use, ${facts.pendingAcquires} acquires waiting`]
  }
  return ['up', undefined]
}

function assessReplica(facts: ReplicaFacts): NodeHealth {
  const inRotation = facts.inRotation && facts.pingError === undefined
  const why = facts.pingError === undefined ? (facts.reason ?? 'unknown') : `ping failed: ${facts.pingError}`
  return {
    name: facts.name,
    role: 'replica',
    status: inRotation ? 'up' : 'degraded',
    breaker: facts.breaker,
    totalConnections: facts.totalConnections,
    activeConnections: facts.activeConnections,
    pendingAcquires: 0,
    ...(inRotation ? {} : { reason: facts.inRotation ? why : `out of the read rotation (${why}); reads go to the primary` }),
    ...(facts.lagMillis === undefined || !Number.isFinite(facts.lagMillis) ? {} : { lagMillis: facts.lagMillis }),
    ...(facts.pingMillis === undefined ? {} : { pingMillis: facts.pingMillis }),
  }
}
