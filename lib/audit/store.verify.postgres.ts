import type pg from "pg";
import type { StoredAuditRow } from "./chain";
import type { AuditTrailSource } from "./verify";
import type { StoredRunState, StoredStepRunState } from "./store.verify.sqlite";

/*
 * The reads behind the full audit check (lib/audit/verify.ts verifyAuditTrailFrom) on PostgreSQL:
 * the same rows as ./store.verify.sqlite.ts, with times as the same text SQLite holds, all inside
 * one REPEATABLE READ snapshot so a step ticked meanwhile can't look like tampering. No
 * "server-only" import, like its SQLite twin, so a command-line check can use it.
 */

/** Events per read: each page is hashed and replayed in one piece of the server's thread (~15 ms). */
const PAGE = 2000;

/** A DateTime as SQLite's column holds it ("…T03:05:19.953+00:00"); lib/platform/db/sql.ts toSqlTime, which is server-only. */
const asStoredText = (date: Date | null) => (date === null ? null : date.toISOString().replace("Z", "+00:00"));

/** `pool` must read times as UTC: one from lib/platform/db/postgres-pool.ts createPostgresPool. */
export function postgresAuditTrailSource(pool: pg.Pool): AuditTrailSource {
  return {
    async hasAuditTables() {
      const result = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS "n" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('audit_event', 'step_run', 'run', 'project')`,
      );
      return result.rows[0].n === 4;
    },
    async readSnapshot(onRow) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        // The first page has no lower bound: an event written with a seq of 0 or below (by hand,
        // past the sequence) must be checked like any other, not skipped.
        let afterSeq: number | null = null;
        for (;;) {
          const page: pg.QueryResult<Omit<StoredAuditRow, "at"> & { at: Date }> = await client.query<Omit<StoredAuditRow, "at"> & { at: Date }>(
            `SELECT "seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash"
               FROM "audit_event" ${afterSeq === null ? "" : `WHERE "seq" > $1`} ORDER BY "seq" LIMIT ${PAGE}`,
            afterSeq === null ? [] : [afterSeq],
          );
          for (const row of page.rows) onRow({ ...row, at: asStoredText(row.at)! });
          if (page.rows.length < PAGE) break;
          afterSeq = page.rows[page.rows.length - 1].seq;
        }
        const steps = await client.query<Omit<StoredStepRunState, "startedAt" | "finishedAt" | "signedOffAt"> & { startedAt: Date | null; finishedAt: Date | null; signedOffAt: Date | null }>(
          `SELECT sr."id", sr."runId", r."name" AS "runName", r."projectId", p."name" AS "projectName", sr."title", sr."status", sr."startedAt", sr."startedByName", sr."finishedAt",
                  sr."signedOffById", sr."signedOffByName", sr."signedOffAt", sr."note", sr."reason", sr."gateDecision"
             FROM "step_run" sr JOIN "run" r ON r."id" = sr."runId" JOIN "project" p ON p."id" = r."projectId"`,
        );
        const runs = await client.query<Omit<StoredRunState, "endedAt"> & { endedAt: Date | null }>(
          `SELECT r."id", r."name", r."projectId", p."name" AS "projectName", r."status", r."mode", r."endedAt" FROM "run" r JOIN "project" p ON p."id" = r."projectId"`,
        );
        await client.query("COMMIT");
        return {
          steps: steps.rows.map((row) => ({ ...row, startedAt: asStoredText(row.startedAt), finishedAt: asStoredText(row.finishedAt), signedOffAt: asStoredText(row.signedOffAt) })),
          runs: runs.rows.map((row) => ({ ...row, endedAt: asStoredText(row.endedAt) })),
        };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
