import "server-only";
import { BusyError, StorageError } from "../errors";
import { publishProjectChange } from "../live-events";
import { prisma, type Tx } from "./client";

const touchedProjects = new WeakMap<object, Set<string>>();

/** Called by appendAuditEvent: this transaction changed `projectId`, tell live pages after commit. */
export function markProjectTouched(tx: Tx, projectId: string): void {
  touchedProjects.get(tx)?.add(projectId);
}

/**
 * Runs `fn` as one SQLite transaction: all of its writes (the change and its audit event) commit
 * together or none do. Live pages are notified only after the commit, so they never read a
 * state that could still roll back.
 */
export async function runTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const projects = new Set<string>();
    const startedAt = Date.now();
    let result: T;
    try {
      result = await prisma.$transaction(
        async (tx) => {
          touchedProjects.set(tx, projects);
          return fn(tx);
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
    } catch (error) {
      const classified = classifyDatabaseError(error);
      // Our transactions read before they write (BEGIN is deferred). If another process
      // committed in between, SQLite fails the write at once (SQLITE_BUSY_SNAPSHOT) instead of
      // waiting. Nothing was committed, so running the whole transaction again is safe. A busy
      // error that took the full busy_timeout is a real lock: don't multiply the wait.
      if (classified instanceof BusyError && Date.now() - startedAt < QUICK_BUSY_MS && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
        continue;
      }
      throw classified;
    }
    for (const projectId of projects) publishProjectChange(projectId);
    return result;
  }
}

const MAX_ATTEMPTS = 4;
const QUICK_BUSY_MS = 1000;

const SQLITE_FULL = 13;
const SQLITE_IOERR = 10;
const SQLITE_READONLY = 8;
const SQLITE_BUSY = 5;

/**
 * Turns driver-level failures into errors the user can act on, by their codes (never by message
 * text): busy → retryable 503, full/read-only/I-O → 507. Everything else passes through.
 */
export function classifyDatabaseError(error: unknown): unknown {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; extendedCode?: number } } }; cause?: unknown };
  if (e?.code === "P1008" || e?.code === "P2034") return new BusyError();
  const cause = e?.meta?.driverAdapterError?.cause;
  if (cause?.kind === "SocketTimeout") return new BusyError();
  if (cause?.kind === "sqlite" && typeof cause.extendedCode === "number") {
    const primary = cause.extendedCode & 0xff;
    if (primary === SQLITE_BUSY) return new BusyError();
    if (primary === SQLITE_FULL || primary === SQLITE_IOERR || primary === SQLITE_READONLY) return new StorageError();
  }
  return error;
}
