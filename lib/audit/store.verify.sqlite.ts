import type Database from "better-sqlite3";
import type { StoredAuditRow } from "./chain";

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
