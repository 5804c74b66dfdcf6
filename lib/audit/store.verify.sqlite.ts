import Database from "better-sqlite3";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { StoredAuditRow } from "./chain";
import type { AuditTrailSource } from "./verify";

/*
 * The reads behind a full audit check (lib/audit/verify.ts), on any better-sqlite3 handle: the
 * server's direct connection or the `audit:verify` CLI's own. No "server-only" import, so the CLI
 * can run it with tsx. Read-only; not on any hot path.
 */

/** A step run as its row says it is now (times as stored text). */
export interface StoredStepRunState {
  id: string;
  runId: string;
  runName: string;
  projectId: string;
  projectName: string;
  title: string;
  status: string;
  startedAt: string | null;
  startedByName: string | null;
  finishedAt: string | null;
  signedOffById: string | null;
  signedOffByName: string | null;
  signedOffAt: string | null;
  note: string;
  reason: string;
  gateDecision: string | null;
}

export interface StoredRunState {
  id: string;
  name: string;
  projectId: string;
  projectName: string;
  status: string;
  mode: string;
  endedAt: string | null;
}

/**
 * Runs `fn` inside one read transaction: in WAL mode every read in it sees the same committed
 * state, so a step ticked between reading its events and its row can't look like tampering.
 */
export function inReadSnapshot<T>(db: Database.Database, fn: () => T): T {
  return db.transaction(fn).deferred();
}

export function iterateAuditRows(db: Database.Database): IterableIterator<StoredAuditRow> {
  return db
    .prepare(`SELECT "seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash" FROM "audit_event" ORDER BY "seq"`)
    .iterate() as IterableIterator<StoredAuditRow>;
}

export function listStepRunStates(db: Database.Database): StoredStepRunState[] {
  return db
    .prepare(
      `SELECT sr."id", sr."runId", r."name" AS runName, r."projectId", p."name" AS projectName, sr."title", sr."status", sr."startedAt", sr."startedByName", sr."finishedAt",
              sr."signedOffById", sr."signedOffByName", sr."signedOffAt", sr."note", sr."reason", sr."gateDecision"
         FROM "step_run" sr JOIN "run" r ON r."id" = sr."runId" JOIN "project" p ON p."id" = r."projectId"`,
    )
    .all() as StoredStepRunState[];
}

export function listRunStates(db: Database.Database): StoredRunState[] {
  return db
    .prepare(`SELECT r."id", r."name", r."projectId", p."name" AS projectName, r."status", r."mode", r."endedAt" FROM "run" r JOIN "project" p ON p."id" = r."projectId"`)
    .all() as StoredRunState[];
}

/** Does the database have the audit tables at all (a file that isn't Runsheet's is reported, not crashed on)? */
export function hasAuditTables(db: Database.Database): boolean {
  return db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('audit_event', 'step_run', 'run', 'project')`).pluck().get() === 4;
}

/** Events per read of sqliteAuditTrailSource: ~15 ms of hashing and replay each. */
const PAGE_ROWS = 2000;

/**
 * The audit check's reads for a server (the audit page), on a connection of their own to the
 * SQLite file, in pages with breaks for the event loop between them. The check hashes every event
 * since the beginning; on the server's only thread, in one piece, a year's chain (100,000 events)
 * held up every sign-off for a second or more whenever someone opened the audit page.
 *
 * A connection of its own, because the read transaction stays open across the breaks: on the
 * shared direct connection, sign-offs in the breaks would run inside it. In WAL mode it holds back
 * no writer, and every read in it sees one committed state (see inReadSnapshot).
 */
export function sqliteAuditTrailSource(databasePath: string, options: { pageRows?: number } = {}): AuditTrailSource {
  const pageRows = options.pageRows ?? PAGE_ROWS;
  // A short busy wait, as the server's connections (client.ts): it would hold the whole thread.
  const open = () => new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 100 });
  return {
    async hasAuditTables() {
      const db = open();
      try {
        return hasAuditTables(db);
      } finally {
        db.close();
      }
    },
    async readSnapshot(onRow) {
      const db = open();
      try {
        db.exec("BEGIN DEFERRED");
        try {
          const columns = `"seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash"`;
          // The first page has no lower bound: an event written with a seq of 0 or below (by hand,
          // past the autoincrement) must be checked like any other, not skipped.
          const firstPage = db.prepare(`SELECT ${columns} FROM "audit_event" ORDER BY "seq" LIMIT ?`);
          const nextPage = db.prepare(`SELECT ${columns} FROM "audit_event" WHERE "seq" > ? ORDER BY "seq" LIMIT ?`);
          // The first read starts the snapshot; the breaks come after it.
          for (let afterSeq: number | null = null; ; ) {
            const rows = (afterSeq === null ? firstPage.all(pageRows) : nextPage.all(afterSeq, pageRows)) as StoredAuditRow[];
            for (const row of rows) onRow(row);
            if (rows.length < pageRows) break;
            afterSeq = rows[rows.length - 1].seq;
            await yieldToEventLoop();
          }
          const result = { steps: listStepRunStates(db), runs: listRunStates(db) };
          db.exec("COMMIT");
          return result;
        } catch (error) {
          // SQLite may have rolled back already; the read's own error is the one to report.
          if (db.inTransaction) db.exec("ROLLBACK");
          throw error;
        }
      } finally {
        db.close();
      }
    },
  };
}
