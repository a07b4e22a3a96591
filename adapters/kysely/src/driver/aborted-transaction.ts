import * as kysely from 'kysely'

// Kysely 0.28.19 added AbortedTransactionError; read it off the module so
// that an earlier 0.28 release, which lacks the export, still loads us
const KyselyAbortedTransactionError = (kysely as Partial<typeof kysely>).AbortedTransactionError

/**
 * The error for a COMMIT that PostgreSQL answered with ROLLBACK (an earlier
 * statement had failed and left the transaction aborted): Kysely's own
 * `AbortedTransactionError`, so that Kysely marks the transaction as
 * aborted, sends no ROLLBACK after it and releases the connection.
 *
 * `undefined` with a Kysely older than 0.28.19: its stock driver reported
 * no error there, and its controlled transactions would keep the connection
 * after a commit that throws.
 *
 * @internal
 */
export function abortedTransactionError(): Error | undefined {
  return KyselyAbortedTransactionError === undefined ? undefined : new KyselyAbortedTransactionError()
}
