/**
 * A seeded installation on a throw-away PostgreSQL server, for the fault tests that run several
 * app instances on it: the benchmark's seed is made by the real services on SQLite, then copied
 * into a freshly migrated PostgreSQL database. The instances share one data folder (auth secret,
 * audit signing key and checkpoints, evidence), as behind a load balancer.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { expect } from "vitest";
import { postgresAuditTrailSource } from "../../lib/audit/store.verify.postgres";
import { verifyAuditTrailFrom } from "../../lib/audit/verify";
import { applyPostgresMigrations } from "../../lib/platform/db/migrate-postgres";
import { createPostgresPool } from "../../lib/platform/db/postgres-pool";
import { startPostgres, type PostgresServer } from "../unit/helpers/postgres-server";
import { copySqliteToPostgres } from "../unit/helpers/copy-to-postgres";
import { seededDatabase, type TestDatabase } from "./helpers";

export interface PostgresInstallation {
  seeded: TestDatabase["seeded"];
  url: string;
  /** A pool for the test's own checks. */
  pool: pg.Pool;
  /** The folder every instance shares (RUNSHEET_DATA_DIR). */
  dataDir: string;
  /** What an app instance needs in its environment: the database and the shared folder. */
  env: Record<string, string>;
  /** Stops the server and deletes the database, the seed and the shared folder. */
  cleanup: () => Promise<void>;
}

export async function startPostgresInstallation(options: { database: string; steps: number; phases: number; operators: number }): Promise<PostgresInstallation> {
  let postgres: PostgresServer | undefined;
  let sqlite: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  let dataDir: string | undefined;
  const cleanup = async () => {
    await pool?.end();
    await postgres?.stop();
    sqlite?.cleanup();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    sqlite = seededDatabase({ steps: options.steps, phases: options.phases, operators: options.operators });
    postgres = await startPostgres();
    const url = await postgres.createDatabase(options.database);
    await applyPostgresMigrations({ connectionString: url });
    pool = createPostgresPool({ connectionString: url });
    const source = new Database(sqlite.databasePath, { readonly: true });
    try {
      await copySqliteToPostgres(source, pool);
    } finally {
      source.close();
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `runsheet-${options.database}-data-`));
    return { seeded: sqlite.seeded, url, pool, dataDir, env: { DATABASE_URL: url, RUNSHEET_DATA_DIR: dataDir }, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * After a fault under sign-off load: every acknowledged sign-off is stored, by the operator who
 * made it, with exactly one step.done event; each one whose outcome the client couldn't know
 * (cut off, or refused mid-COMMIT) committed entirely or not at all; and the audit trail, chain
 * and the instances' shared checkpoint log, verifies.
 */
export async function expectSignOffsKept(
  installation: PostgresInstallation,
  options: { runId: string; acknowledged: { stepId: string; userId: string }[]; outcomeUnknown: string[]; unknownAs: "cut-off" | "refused" },
): Promise<void> {
  const { pool, dataDir } = installation;
  const rows = await pool.query<{ stepId: string; status: string; signedOffById: string | null; events: number }>(
    `SELECT sr."stepId", sr."status", sr."signedOffById",
            (SELECT count(*)::int FROM "audit_event" a WHERE a."entityId" = sr."id" AND a."action" = 'step.done') AS "events"
       FROM "step_run" sr WHERE sr."runId" = $1`,
    [options.runId],
  );
  const byStep = new Map(rows.rows.map((row) => [row.stepId, row]));
  for (const ack of options.acknowledged) expect(byStep.get(ack.stepId), `acknowledged sign-off of ${ack.stepId}`).toMatchObject({ status: "DONE", signedOffById: ack.userId, events: 1 });
  for (const stepId of options.outcomeUnknown) {
    const row = byStep.get(stepId)!;
    expect(row.status === "DONE" ? row.events : 0, `${options.unknownAs} sign-off of ${stepId}`).toBe(row.status === "DONE" ? 1 : 0);
  }
  const verdict = await verifyAuditTrailFrom(postgresAuditTrailSource(pool), {
    paths: { privateKey: path.join(dataDir, ".audit-signing-key"), publicKey: path.join(dataDir, "audit-signing-key.pub"), checkpoints: path.join(dataDir, "postgres.audit-checkpoints.jsonl") },
  });
  expect(verdict.findings).toEqual([]);
  expect(verdict.ok).toBe(true);
}
