/**
 * The full audit check on PostgreSQL (verifyAuditTrailFrom over lib/audit/store.verify.postgres.ts)
 * gives the same verdict as on SQLite for the same installation: one made by the real services on
 * SQLite (runs, sign-offs, a failure and restart, an undo, a gate), signed by the checkpointer,
 * then copied row for row into a real PostgreSQL server. Tampering with PostgreSQL is reported in
 * the same words as the same tampering with SQLite.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditAnchorPaths } from "@/lib/audit/checkpoint";
import { verifyAuditTrail, verifyAuditTrailFrom } from "@/lib/audit/verify";
import { postgresAuditTrailSource } from "@/lib/audit/store.verify.postgres";
import { sqliteAuditTrailSource } from "@/lib/audit/store.verify.sqlite";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { createPostgresPool } from "@/lib/platform/db/postgres-pool";
import { copySqliteToPostgres } from "./helpers/copy-to-postgres";
import { createProject, createTeam, templateSteps } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";

let db: TestDatabase;
let server: PostgresServer;
let pool: pg.Pool;
let url: string;

beforeAll(async () => {
  db = await openTestDatabase("audit-verify-pg");
  const lib = db.lib;
  const checkpointer = await import("@/lib/audit/checkpointer");
  await checkpointer.anchorAuditChainAtStartup();
  const team = await createTeam(lib);
  const project = await createProject(lib, team.admin, { name: "Verified on both" });
  const { get: step } = await templateSteps(lib, project.id);
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Rehearsal" } });
  const act = (key: string, action: "start" | "done" | "fail", actor = team.operator, reason = "") =>
    lib.runs.performStepAction({ actor, runId: run.id, stepId: step(key).id, input: { action, note: `${action} ${key}`, reason } });
  await act("1", "done");
  await act("2", "start");
  await act("2", "fail", team.operator, "Tape library offline");
  await act("2", "start", team.operator2);
  await act("2", "done", team.operator2);
  await lib.runs.undoSignOff({ actor: team.admin, runId: run.id, stepId: step("1").id, input: { reason: "Signed off too early" } });
  await act("1", "done");
  for (let k = 3; k <= 11; k++) await act(String(k), "done");
  await lib.runs.decideGate({ actor: team.admin, runId: run.id, stepId: step("12").id, input: { decision: "GO", note: "Go" } });
  await checkpointer.flushAuditCheckpoint();

  server = await startPostgres();
  url = await server.createDatabase("audit_verify");
  await applyPostgresMigrations({ connectionString: url });
  pool = createPostgresPool({ connectionString: url });
  const raw = db.openRaw();
  try {
    await copySqliteToPostgres(raw, pool);
  } finally {
    raw.close();
  }
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await db?.close();
});

const verifySqlite = () => {
  const raw = db.openRaw();
  try {
    return verifyAuditTrail({ db: raw, paths: auditAnchorPaths(db.file) });
  } finally {
    raw.close();
  }
};
const verifyPostgres = () => verifyAuditTrailFrom(postgresAuditTrailSource(pool), { paths: auditAnchorPaths(db.file) });

describe("the audit check on PostgreSQL", () => {
  it("gives the same clean verdict as SQLite for the same installation", async () => {
    const onSqlite = verifySqlite();
    expect(onSqlite.ok).toBe(true);
    expect(onSqlite.stepsChecked).toBeGreaterThan(30);
    expect(await verifyPostgres()).toEqual(onSqlite);
  });

  it("reports a step run changed behind Runsheet's back in the same words as SQLite does", async () => {
    const target = (await pool.query<{ id: string; signedOffByName: string }>(`SELECT "id", "signedOffByName" FROM "step_run" WHERE "signedOffByName" IS NOT NULL ORDER BY "id" LIMIT 1`)).rows[0];
    const raw = db.openRaw();
    try {
      raw.prepare(`UPDATE "step_run" SET "signedOffByName" = 'Mallory' WHERE "id" = ?`).run(target.id);
      await pool.query(`UPDATE "step_run" SET "signedOffByName" = 'Mallory' WHERE "id" = $1`, [target.id]);
      const onSqlite = verifySqlite();
      const onPostgres = await verifyPostgres();
      expect(onSqlite.findings.map((f) => f.kind)).toEqual(["step-state"]);
      expect(onSqlite.findings[0].message).toContain("“Mallory” in the row");
      expect(onPostgres).toEqual(onSqlite);
    } finally {
      raw.prepare(`UPDATE "step_run" SET "signedOffByName" = ? WHERE "id" = ?`).run(target.signedOffByName, target.id);
      raw.close();
      await pool.query(`UPDATE "step_run" SET "signedOffByName" = $1 WHERE "id" = $2`, [target.signedOffByName, target.id]);
    }
    expect((await verifyPostgres()).ok).toBe(true);
  });

  it("checks an event forged below the chain's first seq like any other, on both databases and in the server's paged check", async () => {
    const forge = `INSERT INTO "audit_event" ("seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
      SELECT -1, "at", "actorId", 'Mallory', "projectId", "runId", "action", "entityType", "entityId", "before", "after", 'f0f0' || substr("prevHash", 5), 'f0f0' || substr("hash", 5) FROM "audit_event" WHERE "seq" = 1`;
    const raw = db.openRaw();
    try {
      raw.exec(forge);
      await pool.query(forge);
      const onSqlite = verifySqlite();
      const paged = await verifyAuditTrailFrom(sqliteAuditTrailSource(db.file, { pageRows: 5 }), { paths: auditAnchorPaths(db.file) });
      const onPostgres = await verifyPostgres();
      expect(onSqlite.ok).toBe(false);
      expect(onSqlite.findings.map((f) => f.kind)).toContain("chain-broken");
      expect(paged).toEqual(onSqlite);
      expect(onPostgres).toEqual(onSqlite);
    } finally {
      raw.exec(`DELETE FROM "audit_event" WHERE "seq" = -1`);
      raw.close();
      await pool.query(`DELETE FROM "audit_event" WHERE "seq" = -1`);
    }
    expect((await verifyPostgres()).ok).toBe(true);
    expect((await verifyAuditTrailFrom(sqliteAuditTrailSource(db.file, { pageRows: 5 }), { paths: auditAnchorPaths(db.file) })).ok).toBe(true);
  });

  it("npm run audit:verify checks a PostgreSQL database: OK, the same finding after a direct UPDATE, and a clear error when it can't connect", async () => {
    // The instances' shared data folder, as the CLI finds it: the checkpoint log and the key.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-audit-cli-pg-"));
    fs.copyFileSync(auditAnchorPaths(db.file).checkpoints, path.join(dataDir, "postgres.audit-checkpoints.jsonl"));
    const env = { DATABASE_URL: url, RUNSHEET_DATA_DIR: dataDir, RUNSHEET_AUDIT_SIGNING_KEY: auditAnchorPaths(db.file).privateKey };
    const name = new URL(url).pathname.slice(1);

    const clean = await runAuditCli(env);
    expect(clean.stderr).toBe("");
    expect(clean.stdout).toContain(`Checked PostgreSQL database ${name} on `);
    expect(clean.stdout).toContain("OK: the chain is intact, matches every signed checkpoint, and every step and run agrees with its events.");
    expect(clean.code).toBe(0);

    const target = (await pool.query<{ id: string; status: string }>(`SELECT "id", "status" FROM "step_run" WHERE "status" = 'DONE' ORDER BY "id" LIMIT 1`)).rows[0];
    await pool.query(`UPDATE "step_run" SET "status" = 'SKIPPED' WHERE "id" = $1`, [target.id]);
    try {
      const tampered = await runAuditCli(env);
      expect(tampered.stdout).toContain("FAILED: 1 finding(s):");
      expect(tampered.stdout).toContain("status is “SKIPPED” in the row but “DONE” in the events");
      expect(tampered.code).toBe(1);
    } finally {
      await pool.query(`UPDATE "step_run" SET "status" = $1 WHERE "id" = $2`, [target.status, target.id]);
    }

    const unreachable = new URL(url);
    unreachable.port = "1";
    const refused = await runAuditCli({ ...env, DATABASE_URL: unreachable.toString() });
    expect(refused.stderr).toContain(`audit:verify: can't reach the PostgreSQL database ${name} on 127.0.0.1:1`);
    expect(refused.code).toBe(2);
  }, 120_000);

  it("finds an edited event, and (last, as it can't be undone) a deleted tail that the signed checkpoints still cover", async () => {
    const original = (await pool.query<{ after: string }>(`SELECT "after" FROM "audit_event" WHERE "seq" = 5`)).rows[0].after;
    await pool.query(`UPDATE "audit_event" SET "after" = '{}' WHERE "seq" = 5`);
    try {
      const edited = await verifyPostgres();
      expect(edited.findings[0]).toMatchObject({ kind: "chain-broken", seq: 5 });
    } finally {
      await pool.query(`UPDATE "audit_event" SET "after" = $1 WHERE "seq" = 5`, [original]);
    }
    expect((await verifyPostgres()).ok).toBe(true);

    await pool.query(`DELETE FROM "audit_event" WHERE "seq" > (SELECT max("seq") - 3 FROM "audit_event")`);
    const truncated = await verifyPostgres();
    expect(truncated.findings.map((f) => f.kind)).toContain("tail-deleted");
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** lib/cli/audit-verify.ts as a real process (what `npm run audit:verify` runs). */
function runAuditCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.join(repoRoot, "node_modules", ".bin", "tsx"), ["lib/cli/audit-verify.ts"], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
