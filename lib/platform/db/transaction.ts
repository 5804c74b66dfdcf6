import "server-only";
import { BusyError, StorageError } from "../errors";
import type Database from "better-sqlite3";
import { prisma, sqlite, type Tx } from "./client";
import { classifyPostgresError, postgresCodeOf } from "./postgres-errors";

/** What one transaction attempt did that listeners hear of after its commit. */
export interface CommitRecord {
  projects: Set<string>;
  audit: CommittedAudit | null;
}
const commits = new WeakMap<object, CommitRecord>();

type CommitListener = (projectIds: ReadonlySet<string>) => void;

/** The newest audit event a transaction appended, and whether it ended a run (worth anchoring at once). */
export interface CommittedAudit {
  seq: number;
  hash: string;
  urgent: boolean;
}
type AuditCommitListener = (audit: CommittedAudit) => void;

// On globalThis: Next.js may load this module once per route bundle, and a listener registered
// through one copy must hear commits made through every other.
const globalForCommits = globalThis as unknown as { runsheetCommitListeners?: Map<string, CommitListener>; runsheetAuditCommitListeners?: Map<string, AuditCommitListener> };
const commitListeners = (globalForCommits.runsheetCommitListeners ??= new Map());
const auditCommitListeners = (globalForCommits.runsheetAuditCommitListeners ??= new Map());

/**
 * Hears, after each commit that appended audit events (with or without a project: sign-ins
 * belong to the chain too), the newest one. The audit checkpointer registers here.
 */
export function onAuditCommitted(name: string, listener: AuditCommitListener): void {
  auditCommitListeners.set(name, listener);
}

/** Called by appendAuditEvent: this transaction appended `audit`; listeners hear of it after commit. */
export function markAuditAppended(tx: Tx | SqlTx | object, audit: CommittedAudit): void {
  const commit = commits.get(tx);
  if (!commit) return;
  commit.audit = { seq: audit.seq, hash: audit.hash, urgent: audit.urgent || (commit.audit?.urgent ?? false) };
}

/**
 * Hears, after each commit, which projects' audit logs it extended. The live bus registers here,
 * so the database layer knows nothing of who listens. Registering the same name again replaces
 * the listener (a module reloaded in development).
 */
export function onProjectsCommitted(name: string, listener: CommitListener): void {
  commitListeners.set(name, listener);
}

/** Called by appendAuditEvent: this transaction changed `projectId`, tell live pages after commit. */
export function markProjectTouched(tx: Tx | object, projectId: string): void {
  commits.get(tx)?.projects.add(projectId);
}

const globalForTurns = globalThis as unknown as { runsheetWriteTurn?: Promise<void> };

/**
 * This process's writers take turns, first come first served, across both connections (Prisma's
 * and the direct one). Without it a step action could only retry on a timer while Prisma
 * transactions queued inside the adapter and handed the lock straight to each other, and a busy
 * stretch of imports or bulk ticks could starve sign-offs into 503s. SQLite's lock (and the retry
 * budget) then only arbitrates between processes. Transactions must not nest: an inner one would
 * wait for the outer one's turn forever.
 */
async function inWriteTurn<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  const previous = globalForTurns.runsheetWriteTurn ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  globalForTurns.runsheetWriteTurn = previous.then(() => mine);
  try {
    await previous;
    // The whole wait counts against the busy budget, the turn included.
    if (Date.now() >= deadline) throw new BusyError();
    return await fn();
  } finally {
    release();
  }
}

/**
 * Runs `fn` as one SQLite transaction: all of its writes (the change and its audit event) commit
 * together or none do. Live pages are notified only after the commit, so they never read a
 * state that could still roll back.
 */
export async function runTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_BUDGET_MS;
  return inWriteTurn(deadline, () =>
    retryWhileBusy(deadline, 20, async (commit) =>
      prisma.$transaction(
        async (tx) => {
          commits.set(tx, commit);
          // The adapter's BEGIN is DEFERRED. A first read would make this transaction a reader,
          // and SQLite never runs the busy handler when a reader upgrades to writer: it fails at
          // once (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT when another process committed since the
          // read). A no-op write first takes the write lock, like BEGIN IMMEDIATE, before any read.
          await tx.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE 0`);
          return fn(tx);
        },
        { maxWait: 10_000, timeout: 20_000 },
      ),
    ),
  );
}

/**
 * One attempt after another while another process holds SQLite's write lock, waiting between
 * them without blocking the event loop (safe: a failed attempt committed nothing), until the
 * deadline. After the commit, live pages hear of the projects the attempt touched.
 */
async function retryWhileBusy<T>(deadline: number, firstWaitMs: number, attempt: (commit: CommitRecord) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    const commit: CommitRecord = { projects: new Set<string>(), audit: null };
    let result: T;
    try {
      result = await attempt(commit);
    } catch (error) {
      const classified = classifyDatabaseError(error);
      const remaining = deadline - Date.now();
      if (classified instanceof BusyError && remaining > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(firstWaitMs * 2 ** n, 250, remaining)));
        continue;
      }
      throw classified;
    }
    announceCommit(commit);
    return result;
  }
}

/**
 * A fresh record of what a transaction attempt does, tied to its transaction object so that
 * markAuditAppended and markProjectTouched find it (the PostgreSQL runner uses this too).
 */
export function trackCommit(tx: object): CommitRecord {
  const commit: CommitRecord = { projects: new Set<string>(), audit: null };
  commits.set(tx, commit);
  return commit;
}

/** After a commit: live pages hear which projects changed, the checkpointer of the newest audit event. */
export function announceCommit(commit: CommitRecord): void {
  if (commit.projects.size > 0) for (const listener of commitListeners.values()) listener(commit.projects);
  if (commit.audit) {
    for (const listener of auditCommitListeners.values()) {
      // The change is committed: a listener's failure must not turn it into an error response.
      try {
        listener(commit.audit);
      } catch (error) {
        console.error("An audit commit listener failed", error);
      }
    }
  }
}

/** A synchronous transaction on the direct connection (see `sqlite()` in ./client). */
export interface SqlTx {
  db: Database.Database;
  /** Projects whose audit log this transaction extended; live pages are told after the commit. */
  touchedProjects: Set<string>;
}

/**
 * runTransaction's counterpart for the direct connection: `fn` runs synchronously inside
 * BEGIN IMMEDIATE, so it holds the write lock from its first read and nothing else in this
 * process can interleave. `fn` must not be async (better-sqlite3 refuses a promise). It waits
 * its turn behind this process's other writers; while another process holds the lock, the attempt
 * fails at once with SQLITE_BUSY and is retried after an async wait, within the same 5 s budget.
 * A failed attempt has rolled back and committed nothing.
 */
export async function runSqlTransaction<T>(fn: (tx: SqlTx) => T): Promise<T> {
  const deadline = Date.now() + BUSY_BUDGET_MS;
  const db = sqlite();
  // Start short: a lock held by another process is usually a sign-off there, a few ms long.
  return inWriteTurn(deadline, () =>
    retryWhileBusy(deadline, 2, async (commit) =>
      db
        .transaction(() => {
          const tx: SqlTx = { db, touchedProjects: commit.projects };
          commits.set(tx, commit);
          return fn(tx);
        })
        .immediate(),
    ),
  );
}

/** How long a transaction keeps trying while another process holds SQLite's write lock. */
const BUSY_BUDGET_MS = 5000;

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
  // PostgreSQL's codes (SQLSTATEs) never appear on SQLite, nor SQLite's on PostgreSQL.
  if (postgresCodeOf(error) !== null) return classifyPostgresError(error);
  const direct = sqliteErrorCode(error);
  if (direct !== null) {
    if (/^SQLITE_BUSY(_|$)/.test(direct)) return new BusyError();
    if (/^SQLITE_(FULL|IOERR|READONLY)(_|$)/.test(direct)) return new StorageError();
    return error;
  }
  const e = error as { name?: string; code?: string; meta?: { driverAdapterError?: { cause?: DriverCause } }; cause?: unknown };
  if (e?.code === "P1008" || e?.code === "P2034" || e?.code === "P2028") return new BusyError();
  const cause: DriverCause | undefined = e?.meta?.driverAdapterError?.cause ?? (e?.name === "DriverAdapterError" ? (e.cause as DriverCause | undefined) : undefined);
  if (!cause) return error;
  if (cause.kind === "SocketTimeout") return new BusyError();
  const name = typeof cause.originalCode === "string" ? cause.originalCode : "";
  const primary = cause.kind === "sqlite" && typeof cause.extendedCode === "number" ? cause.extendedCode & 0xff : undefined;
  if (/^SQLITE_BUSY(_|$)/.test(name) || primary === SQLITE_BUSY) return new BusyError();
  if (/^SQLITE_(FULL|IOERR|READONLY)(_|$)/.test(name) || primary === SQLITE_FULL || primary === SQLITE_IOERR || primary === SQLITE_READONLY) return new StorageError();
  return error;
}
