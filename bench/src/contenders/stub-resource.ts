/**
 * The no-op resource every pool in `pool-overhead` lends: nothing to connect,
 * nothing to run, so that what is measured is the pool's own bookkeeping.
 */
export class StubResource {
  static #created = 0
  readonly id = ++StubResource.#created
  alive = true

  static get created(): number {
    return StubResource.#created
  }
}

/**
 * The per-round guard for `pool-overhead`: borrows `count` resources at once
 * and checks they are live and distinct (a pool that lent one resource twice
 * would post a great number), then gives them all back.
 */
export async function checkLending<R>(
  acquire: () => Promise<R>,
  release: (lease: R) => void,
  resourceOf: (lease: R) => unknown,
  count: number,
): Promise<void> {
  const leases = await Promise.all(Array.from({ length: count }, () => acquire()))
  try {
    const resources = leases.map(resourceOf)
    if (new Set(resources).size !== count) throw new Error(`lent the same resource twice among ${count} concurrent borrowers`)
    for (const r of resources) {
      if (!(r instanceof StubResource) || !r.alive) throw new Error(`lent something that is not a live stub resource: ${String(r)}`)
    }
  } finally {
    for (const lease of leases) release(lease)
  }
}
