import type { PermanentConnectReason } from '../errors/permanent-connect-error.js'

/**
 * Socket-level connect failures that retrying cannot fix, shared by the
 * network dialects: a host name that does not resolve (ENOTFOUND; EAI_AGAIN,
 * a DNS server that did not answer, may pass) and a TLS handshake that
 * cannot succeed as configured (Node's certificate verdicts, OpenSSL's
 * protocol and key errors).
 */
const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/** The permanent reason behind a socket or TLS error code, if it is one. */
export function permanentSocketReason(code: unknown): PermanentConnectReason | undefined {
  if (typeof code !== 'string') return undefined
  if (code === 'ENOTFOUND') return 'unknown-host'
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_')) return 'tls'
  return undefined
}

/**
 * Classifies `error` with `reasonOf` (which looks at one error), looking
 * into net's AggregateError (one error per address tried: permanent only
 * when every address failed for the same kind of reason) and a few `cause`
 * levels.
 */
export function classifyNested(error: unknown, reasonOf: (error: Record<string, unknown>) => PermanentConnectReason | undefined, depth = 0): PermanentConnectReason | 'transient' {
  if (typeof error !== 'object' || error === null || depth > 3) return 'transient'
  const fields = error as Record<string, unknown>
  const own = reasonOf(fields)
  if (own !== undefined) return own
  const { errors, cause } = fields
  if (Array.isArray(errors) && errors.length > 0) {
    const inner = errors.map((e) => classifyNested(e, reasonOf, depth + 1))
    return inner.every((r) => r === inner[0]) ? inner[0]! : 'transient'
  }
  return cause === undefined ? 'transient' : classifyNested(cause, reasonOf, depth + 1)
}
