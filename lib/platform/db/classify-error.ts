import "server-only";

import { BusyError, StorageError } from "../errors";
import { classifyPostgresError, postgresCodeOf } from "./postgres-errors";

const SQLITE_FULL = 13;
const SQLITE_IOERR = 10;
const SQLITE_READONLY = 8;
const SQLITE_BUSY = 5;

type DriverCause = { kind?: string; originalCode?: string; extendedCode?: number };

/** better-sqlite3's own error (the direct connection): `code` is the extended code's name. */
function sqliteErrorCode(error: unknown): string | null {
  const e = error as { name?: string; code?: unknown };
  return e?.name === "SqliteError" && typeof e.code === "string" ? e.code : null;
}

/**
 * Turns driver-level failures into errors the user can act on, by their codes (never by message
 * text): busy → retryable 503, full/read-only/I-O → 507. Everything else passes through.
 *
 * Three shapes arrive here. The direct connection throws better-sqlite3's SqliteError, whose
 * `code` is the code's name. A failed query is a PrismaClientKnownRequestError with the adapter's
 * error in meta.driverAdapterError; a failed COMMIT (where SQLITE_FULL and most I/O errors surface
 * in WAL mode) is the bare DriverAdapterError with the same `cause`. The adapter sets
 * `extendedCode` only for codes better-sqlite3 can't name (it is 1 for SQLITE_FULL), so the
 * reliable field is `originalCode`, better-sqlite3's code name such as "SQLITE_IOERR_WRITE".
 * P2028 is Prisma's transaction manager giving up: nothing was committed, so it is retryable too.
 */
export function classifyDatabaseError(error: unknown): unknown {
  const direct = sqliteErrorCode(error);
  if (direct !== null) {
    if (/^SQLITE_BUSY(_|$)/.test(direct)) return new BusyError();
    if (/^SQLITE_(FULL|IOERR|READONLY)(_|$)/.test(direct)) return new StorageError();
    return error;
  }
  const e = error as { name?: string; code?: string; meta?: { driverAdapterError?: { cause?: DriverCause } }; cause?: unknown };
  const cause: DriverCause | undefined = e?.meta?.driverAdapterError?.cause ?? (e?.name === "DriverAdapterError" ? (e.cause as DriverCause | undefined) : undefined);
  // SQLite's own code first: the SQLite adapter reports a busy database with kind "SocketTimeout",
  // an adapter kind that on PostgreSQL means the server is unreachable. Read as PostgreSQL's, a
  // write that met another connection's write lock failed at once as "can't reach the database"
  // instead of waiting its turn. PostgreSQL's codes (SQLSTATEs) never appear on SQLite.
  const sqliteCause = typeof cause?.originalCode === "string" && cause.originalCode.startsWith("SQLITE_");
  if (!sqliteCause && postgresCodeOf(error) !== null) return classifyPostgresError(error);
  if (e?.code === "P1008" || e?.code === "P2034" || e?.code === "P2028") return new BusyError();
  if (!cause) return error;
  if (cause.kind === "SocketTimeout") return new BusyError();
  const name = typeof cause.originalCode === "string" ? cause.originalCode : "";
  const primary = cause.kind === "sqlite" && typeof cause.extendedCode === "number" ? cause.extendedCode & 0xff : undefined;
  if (/^SQLITE_BUSY(_|$)/.test(name) || primary === SQLITE_BUSY) return new BusyError();
  if (/^SQLITE_(FULL|IOERR|READONLY)(_|$)/.test(name) || primary === SQLITE_FULL || primary === SQLITE_IOERR || primary === SQLITE_READONLY) return new StorageError();
  return error;
}
