/**
 * The one state of a pooled connection. Pool counts are derived from it.
 * - `idle`: in the pool, free to lend.
 * - `in-use`: lent to exactly one borrower.
 * - `reserved`: held by the pool itself (health check, reset after release);
 *   no borrower can receive it.
 * - `closing` / `closed`: retired; never lent again.
 */
export const CONNECTION_STATES = ['idle', 'in-use', 'reserved', 'closing', 'closed'] as const
export type ConnectionState = (typeof CONNECTION_STATES)[number]
