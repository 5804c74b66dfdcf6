import pg from "pg";

/** pg's type id for `timestamp without time zone`, Prisma's DateTime column on PostgreSQL (TIMESTAMP(3)). */
const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

/**
 * Prisma stores DateTime on PostgreSQL as UTC wall time in TIMESTAMP(3). node-postgres would read
 * such a value as local time, and Runsheet's servers run in the site's zone: this pool reads it as
 * UTC instead, and the stores write `Date.toISOString()` (whose "Z" PostgreSQL drops for this type),
 * so a time written here reads back the same through Prisma and the other way round, in any zone.
 */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary") return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * Limits every app connection to PostgreSQL sets for its session (this pool's and the Prisma
 * client's). Without them one instance that stops mid-transaction (frozen, or its box gone with
 * the TCP connection left half-open, which PostgreSQL notices only when TCP gives up, hours later)
 * would hold the audit chain's lock, and every sign-off in every instance would wait for it.
 * - `lock_timeout`: a statement waits at most 5 s for a lock, then fails (55P03), which the app
 *   answers as busy (503, nothing saved), like SQLite's 5 s busy budget.
 *   The same holds for a live holder: a transaction that keeps the chain's lock longer (a very
 *   large import; an evidence upload written to a slow shared folder, which happens inside its
 *   transaction) makes the sign-offs meanwhile answer busy, as SQLite's would.
 * - `idle_in_transaction_session_timeout`: PostgreSQL ends a session that has sat in an open
 *   transaction for 15 s without sending anything, which rolls it back and frees its locks. Inside
 *   a transaction the app does database work and, for evidence, one file write (up to the upload
 *   limit), so only a stopped instance, or a storage folder stalled that long, meets it.
 * tests/unit/step-actions-postgres.integration.test.ts holds both to what they promise.
 */
export const POSTGRES_SESSION_LIMITS = { lock_timeout: 5000, idle_in_transaction_session_timeout: 15_000 } as const;

/**
 * A connection pool for the PostgreSQL stores (the direct counterpart of `sqlite()`). Its
 * connections pipeline: a query issued before the previous one's answer goes out at once, and
 * the server still runs them one after the other, in order. Code that awaits each query works as
 * before; the transaction runner and the audit append send two statements per round trip where
 * the second doesn't depend on the first's answer (transaction-postgres.ts, lib/audit/store.postgres.ts).
 */
export function createPostgresPool(options: { connectionString: string; max?: number }): pg.Pool {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10, types, pipeline: true, ...POSTGRES_SESSION_LIMITS });
  // When PostgreSQL ends an idle connection (a restart, a failover, pg_terminate_backend), the pool
  // drops it and emits 'error'. Nobody listening, that error is thrown at the process: a CLI such
  // as audit:verify dies, and the server only stays up because Next.js logs uncaught exceptions
  // instead of exiting. It is expected and harmless: the next query opens a new connection, and a
  // transaction in flight fails on its own client (runPgTransaction: unavailable, 503).
  pool.on("error", (error) => console.warn(`PostgreSQL closed an idle connection (${(error as { code?: string }).code ?? error.message}); the next query opens a new one.`));
  return pool;
}
