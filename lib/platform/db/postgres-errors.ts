import { BusyError, DatabaseUnavailableError, StorageError } from "../errors";

/**
 * PostgreSQL's failures as errors the user can act on, by SQLSTATE or socket code (never by
 * message text), for both shapes they arrive in: node-postgres's own error (`code` is the
 * SQLSTATE, or a Node socket code), and Prisma's, which wraps the adapter's mapped cause
 * (`originalCode` is the SQLSTATE; socket failures only have a `kind`).
 *
 * - Busy (503, retryable, nothing committed): serialization failure, deadlock, lock or statement
 *   timeout, too many connections.
 * - Storage (507): disk full, read-only (a standby after failover, or default_transaction_read_only), I/O error.
 * - Unavailable (503, outcome unknown): the connection is refused, dropped or timed out, or the
 *   server is shutting down.
 * Anything else passes through unchanged.
 */
export function classifyPostgresError(error: unknown): unknown {
  const code = postgresCodeOf(error);
  if (code === null) return error;
  if (RETRYABLE.has(code) || code === "53300" || code === "55P03" || code === "57014") return new BusyError();
  if (code === "53100" || code === "25006" || code === "58030") return new StorageError();
  if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || SOCKET_CODES.has(code)) return new DatabaseUnavailableError();
  return error;
}

/** Serialization failure and deadlock: PostgreSQL rolled the transaction back, so running it again is safe. */
export function isRetryablePostgresConflict(error: unknown): boolean {
  const code = postgresCodeOf(error);
  return code !== null && RETRYABLE.has(code);
}

const RETRYABLE = new Set(["40001", "40P01"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE"]);
/** The adapter's kinds for failures it maps without keeping a code. */
const ADAPTER_KINDS: Record<string, string> = {
  TransactionWriteConflict: "40001",
  TooManyConnections: "53300",
  DatabaseNotReachable: "ECONNREFUSED",
  ConnectionClosed: "ECONNRESET",
  SocketTimeout: "ETIMEDOUT",
};

type AdapterCause = { kind?: string; originalCode?: string; code?: string };

/** The SQLSTATE or socket code of a PostgreSQL failure in either shape, or null for anything else. */
export function postgresCodeOf(error: unknown): string | null {
  const e = error as { name?: string; code?: unknown; severity?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: AdapterCause } }; cause?: unknown };
  if (!e || typeof e !== "object") return null;
  // node-postgres: DatabaseError has a severity. A connection that ends mid-query throws a bare
  // Error with no code at all: runPgTransaction tells those apart by the client's own "end" event.
  if (typeof e.code === "string" && typeof e.severity === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (typeof e.code === "string" && SOCKET_CODES.has(e.code)) return e.code;
  const cause: AdapterCause | undefined = e.meta?.driverAdapterError?.cause ?? (e.name === "DriverAdapterError" ? (e.cause as AdapterCause | undefined) : undefined);
  if (!cause) return null;
  if (typeof cause.originalCode === "string" && /^[0-9A-Z]{5}$/.test(cause.originalCode)) return cause.originalCode;
  if (cause.kind === "postgres" && typeof cause.code === "string") return cause.code;
  return (cause.kind && ADAPTER_KINDS[cause.kind]) ?? null;
}
