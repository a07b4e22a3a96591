import type { OrderRequest, Product } from './shop.js'

export const CATALOG: readonly Product[] = [
  { sku: 'BOLT-M6', name: 'M6 bolt, box of 100', priceCents: 1_250, stock: 60 },
  { sku: 'DRILL-18V', name: 'Cordless drill 18V', priceCents: 8_990, stock: 15 },
  { sku: 'GLOVE-L', name: 'Work gloves, large', priceCents: 790, stock: 40 },
  { sku: 'TAPE-5M', name: 'Tape measure 5 m', priceCents: 1_490, stock: 30 },
]

/**
 * `count` orders, the same on every run: one to three lines of one to four
 * items each, enough to run some products out of stock; every seventh
 * customer is on the payment provider's block list.
 */
export function sampleOrders(count: number): OrderRequest[] {
  let seed = 42
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    // the high bits: an LCG's low bits repeat with a short period
    return Math.floor(seed / 2 ** 16) % n
  }
  return Array.from({ length: count }, (_, i) => {
    const quantities = new Map<string, number>()
    for (let line = 0, lines = 1 + next(3); line < lines; line++) {
      const sku = CATALOG[next(CATALOG.length)]!.sku
      quantities.set(sku, (quantities.get(sku) ?? 0) + 1 + next(4))
    }
    const customer = i % 7 === 6 ? `blocked-${i}` : `customer-${i}`
    return { customer, lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })) }
  })
}
