import "server-only";
import type pg from "pg";
import { BusyError, DatabaseUnavailableError } from "../errors";
import { CHANGE_CHANNEL, changePayload } from "./change-channel-postgres";
import { classifyPostgresError, isRetryablePostgresConflict } from "./postgres-errors";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks";
import { announceCommit, markPostgresTransaction, trackCommit } from "./commits";
import type { Tx } from "./client";

/**
 * A transaction on a PostgreSQL connection: runTransaction's and runSqlTransaction's counterpart
 * for the PostgreSQL store modules (`store.postgres.ts`). `touchedProjects` and the audit
 * bookkeeping work as on SQLite, so live pages and the checkpointer hear of the commit.
 */
export interface PgTx {
  client: pg.PoolClient;
  touchedProjects: Set<string>;
  /**
   * Statements to run, in order, after `fn` and just before COMMIT. The step stores put their
   * audit appends here: the append takes the chain's lock, which every writer in every instance
   * waits for until this transaction commits, so it should be the last thing a transaction does.
   */
  beforeCommit: (() => Promise<unknown>)[];
}

/** How long a transaction keeps retrying serialization failures and deadlocks (as SQLite's busy budget). */
const CONFLICT_BUDGET_MS = 5000;

/**
 * Runs `fn` in one READ COMMITTED transaction: all of its writes commit together or none do.
 * PostgreSQL has no single writer, so correctness rests on what the stores do inside: conditional
 * updates (`WHERE version = $n`), the audit chain's advisory lock (lib/audit/store.postgres.ts)
 * and unique keys. A serialization failure or deadlock rolled everything back, so the whole
 * attempt runs again after a short wait, within the budget; every other failure is classified
 * (busy, storage, unavailable) and thrown. Listeners hear of the commit only after it.
 */
export async function runPgTransaction<T>(pool: pg.Pool, fn: (tx: PgTx) => Promise<T>, options: { budgetMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.budgetMs ?? CONFLICT_BUDGET_MS);
  for (let attempt = 0; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw classifyPostgresError(error);
    }
    // A connection that ends mid-transaction fails its query with a bare Error (no SQLSTATE).
    let ended = false;
    const onEnd = () => (ended = true);
    client.on("end", onEnd);
    client.on("error", onEnd);
    const tx: PgTx = { client, touchedProjects: new Set(), beforeCommit: [] };
    const commit = trackCommit(tx);
    let result: T;
    try {
      // BEGIN goes out with the transaction's first statement (the pool pipelines, postgres-pool.ts).
      // Until the transaction ends, every answer also waits for BEGIN's, which arrives first, so
      // this costs nothing: should BEGIN ever fail, the transaction stops at the first statement it
      // awaits, and nothing after that is sent outside a transaction.
      const begun = client.query("BEGIN");
      begun.catch(() => undefined);
      const send = client.query as (...args: unknown[]) => Promise<unknown>;
      client.query = ((...args: unknown[]) => Promise.all([begun, send.apply(client, args)]).then(([, answer]) => answer)) as typeof client.query;
      result = await fn(tx);
      await begun;
      unwrapQuery(client);
      for (const statement of tx.beforeCommit) await statement();
      // Other instances hear of the change when, and only if, it commits (change-channel-postgres.ts).
      // The NOTIFY goes with the COMMIT in one round trip (the simple protocol takes several
      // statements, so the payload is a quoted literal); if it fails, COMMIT never runs.
      if (tx.touchedProjects.size > 0) await client.query(`SELECT pg_notify(${client.escapeLiteral(CHANGE_CHANNEL)}, ${client.escapeLiteral(changePayload(tx.touchedProjects))}); COMMIT`);
      else await client.query("COMMIT");
    } catch (error) {
      unwrapQuery(client);
      if (!ended) await client.query("ROLLBACK").catch(() => undefined);
      client.off("end", onEnd);
      client.off("error", onEnd);
      // A broken connection must not go back to the pool.
      client.release(ended ? true : undefined);
      if (ended) throw new DatabaseUnavailableError();
      const remaining = deadline - Date.now();
      if (isRetryablePostgresConflict(error) && remaining > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt + Math.random() * 5, 250, remaining)));
        continue;
      }
      // A conflict still there at the deadline becomes busy (503) here too.
      throw classifyPostgresError(error);
    }
    client.off("end", onEnd);
    client.off("error", onEnd);
    client.release();
    for (const projectId of tx.touchedProjects) commit.projects.add(projectId);
    announceCommit(commit);
    return result;
  }
}

/** Takes runPgTransaction's BEGIN guard off a client (its own `query`), so the pool gets it back as it lent it. */
function unwrapQuery(client: pg.PoolClient): void {
  delete (client as { query?: unknown }).query;
}

/** The PostgreSQL Prisma client, as far as transactions go (typed as the SQLite client's Tx, which has the same models). */
interface PrismaWithTransactions {
  $transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T>;
}

/**
 * runTransaction's PostgreSQL counterpart for the Prisma services (plan edits, run start, imports).
 * Those were written for SQLite, where one writer at a time means each transaction sees the
 * database as if alone, and they read, then write. They keep that meaning here: the first
 * statement takes the audit chain's lock (every such transaction appends an audit event anyway),
 * so they run one at a time across all instances, and under READ COMMITTED each later statement
 * sees everything committed before. SERIALIZABLE would not do: its snapshot is taken when the
 * lock is requested, before the wait, so a waiter would read a stale chain head. The step
 * actions (runPgTransaction) take the lock only at their append and rely on conditional updates
 * for the rest, so they are not queued behind each other. A deadlock between the two kinds is
 * rolled back by PostgreSQL and run again. Other instances hear of the change through pg_notify in
 * the same transaction, listeners here only after the commit. `chainLock: false` is for the rare
 * transaction that doesn't need to be alone and must not stop every sign-off while it works (the
 * notification pass: lib/notifications/service.ts processAuditEvents says how it stays safe).
 */
export async function runPrismaPgTransaction<T>(prisma: PrismaWithTransactions, fn: (tx: Tx) => Promise<T>, options: { budgetMs?: number; chainLock?: boolean } = {}): Promise<T> {
  const deadline = Date.now() + (options.budgetMs ?? CONFLICT_BUDGET_MS);
  for (let attempt = 0; ; attempt++) {
    let commit: ReturnType<typeof trackCommit> | null = null;
    try {
      const result = await prisma.$transaction(
        async (tx) => {
          commit = trackCommit(tx);
          markPostgresTransaction(tx);
          if (options.chainLock !== false) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
          const value = await fn(tx);
          if (commit.projects.size > 0) await tx.$executeRawUnsafe(`SELECT pg_notify($1, $2)`, CHANGE_CHANNEL, changePayload(commit.projects));
          return value;
        },
        { maxWait: 10_000, timeout: 20_000 },
      );
      if (commit) announceCommit(commit);
      return result;
    } catch (error) {
      const remaining = deadline - Date.now();
      const conflict = isRetryablePostgresConflict(error) || (error as { code?: unknown })?.code === "P2034";
      if (conflict && remaining > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt + Math.random() * 5, 250, remaining)));
        continue;
      }
      throw conflict ? new BusyError() : classifyPostgresError(error);
    }
  }
}
