import "server-only";
import { BusyError } from "../errors";
import type Database from "better-sqlite3";
import { prisma, sqlite, type Tx } from "./client";
import { isPostgres } from "./dialect";
import { runPrismaPgTransaction } from "./transaction-postgres";
import { classifyDatabaseError } from "./classify-error";
import { announceCommit, bindCommit, type CommitRecord } from "./commits";

export { classifyDatabaseError } from "./classify-error";

// Commit bookkeeping lives in ./commits (no database import, so the PostgreSQL runner can share it).
export {
  announceCommit,
  announceRemoteCommit,
  markAuditAppended,
  markProjectTouched,
  onAuditCommitted,
  onProjectsCommitted,
  trackCommit,
  type CommitRecord,
  type CommittedAudit,
} from "./commits";

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
export async function runTransaction<T>(fn: (tx: Tx) => Promise<T>, options: { chainLock?: boolean } = {}): Promise<T> {
  // On PostgreSQL the same services run under the audit chain's lock (see runPrismaPgTransaction),
  // unless the caller says it needn't (`chainLock: false`; SQLite has one writer either way).
  if (isPostgres()) return runPrismaPgTransaction(prisma, fn, { chainLock: options.chainLock });
  const deadline = Date.now() + BUSY_BUDGET_MS;
  return inWriteTurn(deadline, () =>
    retryWhileBusy(deadline, 20, async (commit) =>
      prisma.$transaction(
        async (tx) => {
          bindCommit(tx, commit);
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
          bindCommit(tx, commit);
          return fn(tx);
        })
        .immediate(),
    ),
  );
}

/** How long a transaction keeps trying while another process holds SQLite's write lock. */
const BUSY_BUDGET_MS = 5000;
