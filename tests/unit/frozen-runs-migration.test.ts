/**
 * prisma/migrations/20261130000000_frozen_runs on a database that has runs from before it: a file
 * migrated with only the first migration gets a project, a plan, a run with step runs and a fleet
 * row by raw SQL, then the rest of the migrations. The backfill must give the run its frozen copy
 * (run phases, each step run's plan facts and the names of who acted), and afterwards deleting the
 * plan step must leave the run's record alone. Finally the app itself opens the migrated file and
 * shows the old run from its frozen copy.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/platform/db/migrate";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(repoRoot, "prisma", "migrations");
const INIT = "20261125000000_init";
const FROZEN = "20261130000000_frozen_runs";
const allMigrations = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrationsDir, e.name, "migration.sql")))
  .map((e) => e.name)
  .sort();

let tmp: string;
let databasePath: string;
let newlyApplied: string[];
let raw: Database.Database;

// Times as Prisma's SQLite adapter stores them.
const T = (iso: string) => iso.replace("Z", "+00:00");
const CREATED = T("2026-11-20T08:00:00.000Z");
const STARTED = T("2026-11-24T22:00:00.000Z");
const S1_START = T("2026-11-24T22:05:00.000Z");
const S1_DONE = T("2026-11-24T22:17:00.000Z");
const S2_START = T("2026-11-24T22:20:00.000Z");
const GATE_AT = T("2026-11-24T22:30:00.000Z");
const FLEET_AT = T("2026-11-24T22:25:00.000Z");

/** The data a database from before the migration holds: written with the old schema's columns only. */
function seedOldDatabase(db: Database.Database) {
  const user = db.prepare(`INSERT INTO "user" (id, name, email, role, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)`);
  user.run("u-ada", "Ada Admin", "ada@old.test", "ADMIN", CREATED, CREATED);
  user.run("u-olga", "Olga Operator", "olga@old.test", "OPERATOR", CREATED, CREATED);

  const project = db.prepare(
    `INSERT INTO "project" (id, name, sourceHost, targetHost, timezone, windowStart, windowEnd, status, createdById, createdAt, updatedAt) VALUES (?, ?, 'old-host', 'new-host', 'Europe/Berlin', ?, ?, ?, 'u-ada', ?, ?)`,
  );
  project.run("p-old", "Old project", STARTED, T("2026-11-25T04:00:00.000Z"), "REHEARSAL", CREATED, CREATED);
  project.run("p-other", "Other project", STARTED, T("2026-11-25T04:00:00.000Z"), "PLANNING", CREATED, CREATED);

  const phase = db.prepare(`INSERT INTO "phase" (id, projectId, title, description, position, inWindow, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  phase.run("ph-prep", "p-old", "Prepare", "Before the window", 1, 0, CREATED, CREATED);
  phase.run("ph-cut", "p-old", "Cutover", "", 2, 1, CREATED, CREATED);
  phase.run("ph-elsewhere", "p-other", "Elsewhere", "", 1, 1, CREATED, CREATED);

  const step = db.prepare(
    `INSERT INTO "step" (id, projectId, phaseId, position, title, details, commands, verification, team, assigneeId, plannedMinutes, kind, isFleet, fleetAction, createdAt, updatedAt)
     VALUES (@id, 'p-old', @phaseId, @position, @title, @details, @commands, @verification, @team, @assigneeId, @plannedMinutes, @kind, @isFleet, @fleetAction, '${CREATED}', '${CREATED}')`,
  );
  step.run({ id: "s-stop", phaseId: "ph-prep", position: 1, title: "Stop backup jobs", details: "All policies", commands: "bpdbjobs -cancel_all", verification: "bpdbjobs -summary", team: "Backup", assigneeId: "u-ada", plannedMinutes: 10, kind: "TASK", isFleet: 0, fleetAction: null });
  step.run({ id: "s-fleet", phaseId: "ph-cut", position: 1, title: "Update client bp.conf", details: "", commands: "", verification: "", team: "", assigneeId: null, plannedMinutes: 25, kind: "TASK", isFleet: 1, fleetAction: "UPDATE_BPCONF" });
  step.run({ id: "s-gate", phaseId: "ph-cut", position: 2, title: "Go / No-Go", details: "", commands: "", verification: "", team: "", assigneeId: null, plannedMinutes: 5, kind: "GATE", isFleet: 0, fleetAction: null });
  const dependency = db.prepare(`INSERT INTO "step_dependency" (stepId, predecessorId) VALUES (?, ?)`);
  dependency.run("s-fleet", "s-stop");
  dependency.run("s-gate", "s-stop");
  dependency.run("s-gate", "s-fleet");

  db.prepare(`INSERT INTO "run" (id, projectId, kind, name, status, mode, windowStart, windowEnd, startedAt, startedById, createdAt, updatedAt) VALUES ('r-old', 'p-old', 'REHEARSAL', 'Rehearsal 1', 'ACTIVE', 'FORWARD', ?, ?, ?, 'u-ada', ?, ?)`).run(
    STARTED,
    T("2026-11-25T04:00:00.000Z"),
    STARTED,
    STARTED,
    STARTED,
  );
  const stepRun = db.prepare(
    `INSERT INTO "step_run" (id, runId, stepId, status, startedAt, finishedAt, startedById, signedOffById, signedOffAt, note, reason, gateDecision, decidedById, version, createdAt, updatedAt)
     VALUES (@id, 'r-old', @stepId, @status, @startedAt, @finishedAt, @startedById, @signedOffById, @signedOffAt, @note, '', @gateDecision, @decidedById, @version, '${STARTED}', @updatedAt)`,
  );
  stepRun.run({ id: "sr-stop", stepId: "s-stop", status: "DONE", startedAt: S1_START, finishedAt: S1_DONE, startedById: "u-olga", signedOffById: "u-olga", signedOffAt: S1_DONE, note: "Jobs idle", gateDecision: null, decidedById: null, version: 3, updatedAt: S1_DONE });
  stepRun.run({ id: "sr-fleet", stepId: "s-fleet", status: "IN_PROGRESS", startedAt: S2_START, finishedAt: null, startedById: "u-ada", signedOffById: null, signedOffAt: null, note: "", gateDecision: null, decidedById: null, version: 2, updatedAt: S2_START });
  stepRun.run({ id: "sr-gate", stepId: "s-gate", status: "DONE", startedAt: GATE_AT, finishedAt: GATE_AT, startedById: "u-ada", signedOffById: "u-ada", signedOffAt: GATE_AT, note: "Go", gateDecision: "GO", decidedById: "u-ada", version: 2, updatedAt: GATE_AT });

  db.prepare(`INSERT INTO "fleet_client" (id, projectId, hostname, os, createdAt, updatedAt) VALUES ('c-app', 'p-old', 'app-01', 'RedHat', ?, ?)`).run(CREATED, CREATED);
  db.prepare(`INSERT INTO "fleet_client_run" (id, runId, stepId, clientId, status, reason, updatedById, version, createdAt, updatedAt) VALUES ('fcr-app', 'r-old', 's-fleet', 'c-app', 'UPDATED', '', 'u-olga', 2, ?, ?)`).run(
    STARTED,
    FLEET_AT,
  );
}

const columnsOf = (db: Database.Database, table: string) => (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-frozen-migration-"));
  databasePath = path.join(tmp, "old.db");
  // A migrations folder holding only the first migration, byte for byte.
  const initOnly = path.join(tmp, "migrations-init-only");
  fs.mkdirSync(path.join(initOnly, INIT), { recursive: true });
  fs.copyFileSync(path.join(migrationsDir, INIT, "migration.sql"), path.join(initOnly, INIT, "migration.sql"));
  expect(applyMigrations({ databasePath, migrationsDir: initOnly })).toEqual([INIT]);

  const old = new Database(databasePath);
  try {
    old.pragma("foreign_keys = ON");
    // Really the old schema: no frozen columns, no run phases yet.
    expect(columnsOf(old, "step_run")).not.toContain("title");
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'run_phase'`).get()).toBeUndefined();
    seedOldDatabase(old);
  } finally {
    old.close();
  }

  newlyApplied = applyMigrations({ databasePath, migrationsDir });
  raw = new Database(databasePath);
  raw.pragma("foreign_keys = ON");
});

afterAll(() => {
  raw?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the frozen_runs migration on a database with runs", () => {
  it("applies every later migration, the frozen-runs one among them, and leaves no broken foreign key", () => {
    expect(newlyApplied).toEqual(allMigrations.filter((m) => m !== INIT));
    expect(newlyApplied).toContain(FROZEN);
    expect(raw.pragma("foreign_key_check")).toEqual([]);
    const recorded = (raw.prepare(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`).all() as { migration_name: string }[]).map((r) => r.migration_name);
    expect(recorded).toEqual(allMigrations);
  });

  it("gives the run a run_phase per phase of its project (and none of another project's)", () => {
    const phases = raw.prepare(`SELECT id, runId, phaseId, position, title, description, inWindow FROM "run_phase" ORDER BY position`).all();
    expect(phases).toEqual([
      { id: "r-old:ph-prep", runId: "r-old", phaseId: "ph-prep", position: 1, title: "Prepare", description: "Before the window", inWindow: 0 },
      { id: "r-old:ph-cut", runId: "r-old", phaseId: "ph-cut", position: 2, title: "Cutover", description: "", inWindow: 1 },
    ]);
  });

  it("copies each step's plan facts onto its step run, with the names of who started, signed off and decided", () => {
    // The step_run columns as this migration defines them (later migrations may add more).
    const columns = [
      "id", "runId", "stepId", "runPhaseId", "position", "title", "details", "commands", "verification", "team",
      "assigneeId", "assigneeName", "plannedMinutes", "kind", "isFleet", "fleetAction", "predecessorIds",
      "status", "startedAt", "finishedAt", "startedById", "startedByName", "signedOffById", "signedOffByName", "signedOffAt",
      "note", "reason", "gateDecision", "decidedById", "decidedByName", "version", "createdAt", "updatedAt",
    ];
    const row = (id: string) => raw.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "step_run" WHERE id = ?`).get(id) as Record<string, unknown>;
    expect(row("sr-stop")).toEqual({
      id: "sr-stop",
      runId: "r-old",
      stepId: "s-stop",
      runPhaseId: "r-old:ph-prep",
      position: 1,
      title: "Stop backup jobs",
      details: "All policies",
      commands: "bpdbjobs -cancel_all",
      verification: "bpdbjobs -summary",
      team: "Backup",
      assigneeId: "u-ada",
      assigneeName: "Ada Admin",
      plannedMinutes: 10,
      kind: "TASK",
      isFleet: 0,
      fleetAction: null,
      predecessorIds: "[]",
      status: "DONE",
      startedAt: S1_START,
      finishedAt: S1_DONE,
      startedById: "u-olga",
      startedByName: "Olga Operator",
      signedOffById: "u-olga",
      signedOffByName: "Olga Operator",
      signedOffAt: S1_DONE,
      note: "Jobs idle",
      reason: "",
      gateDecision: null,
      decidedById: null,
      decidedByName: null,
      version: 3,
      createdAt: STARTED,
      updatedAt: S1_DONE,
    });
    expect(row("sr-fleet")).toMatchObject({
      runPhaseId: "r-old:ph-cut",
      position: 1,
      title: "Update client bp.conf",
      plannedMinutes: 25,
      kind: "TASK",
      isFleet: 1,
      fleetAction: "UPDATE_BPCONF",
      predecessorIds: '["s-stop"]',
      assigneeId: null,
      assigneeName: null,
      status: "IN_PROGRESS",
      startedByName: "Ada Admin",
      signedOffById: null,
      signedOffByName: null,
      version: 2,
    });
    const gate = row("sr-gate");
    expect(gate).toMatchObject({ runPhaseId: "r-old:ph-cut", position: 2, title: "Go / No-Go", kind: "GATE", plannedMinutes: 5, gateDecision: "GO", decidedById: "u-ada", decidedByName: "Ada Admin", signedOffByName: "Ada Admin" });
    expect((JSON.parse(gate.predecessorIds as string) as string[]).sort()).toEqual(["s-fleet", "s-stop"]);
  });

  it("copies fleet rows with the updater's name", () => {
    const rows = raw.prepare(`SELECT id, runId, stepId, clientId, status, reason, updatedById, updatedByName, version, createdAt, updatedAt FROM "fleet_client_run"`).all();
    expect(rows).toEqual([
      { id: "fcr-app", runId: "r-old", stepId: "s-fleet", clientId: "c-app", status: "UPDATED", reason: "", updatedById: "u-olga", updatedByName: "Olga Operator", version: 2, createdAt: STARTED, updatedAt: FLEET_AT },
    ]);
  });

  it("marks the run as from before versions (version 0, no hash) and records no plan versions", () => {
    expect(raw.prepare(`SELECT planVersion, planHash FROM "run" WHERE id = 'r-old'`).get()).toEqual({ planVersion: 0, planHash: "" });
    expect(raw.prepare(`SELECT count(*) AS n FROM "plan_version"`).get()).toEqual({ n: 0 });
  });

  it("deleting plan steps and a phase afterwards leaves the run's records (step runs, fleet rows, run phases) alone", () => {
    const snapshot = () => ({
      stepRuns: raw.prepare(`SELECT * FROM "step_run" ORDER BY id`).all(),
      fleet: raw.prepare(`SELECT * FROM "fleet_client_run" ORDER BY id`).all(),
      phases: raw.prepare(`SELECT * FROM "run_phase" ORDER BY id`).all(),
    });
    const before = snapshot();
    expect(before.stepRuns).toHaveLength(3);
    raw.prepare(`DELETE FROM "step" WHERE id = 's-stop'`).run();
    raw.prepare(`DELETE FROM "phase" WHERE id = 'ph-cut'`).run();
    // The plan did lose them (with the dependencies on the deleted step).
    expect(raw.prepare(`SELECT id FROM "step" WHERE projectId = 'p-old'`).all()).toEqual([]);
    expect(raw.prepare(`SELECT count(*) AS n FROM "step_dependency"`).get()).toEqual({ n: 0 });
    expect(snapshot()).toEqual(before);
    expect(raw.pragma("foreign_key_check")).toEqual([]);
  });
});

describe("the app on the migrated file", () => {
  it("shows the old run from its frozen copy, although its plan steps are gone", async () => {
    // After the deletions above. lib/platform/db/client opens DATABASE_URL on first import.
    process.env.DATABASE_URL = `file:${databasePath}`;
    const client = await import("@/lib/platform/db/client");
    try {
      const { getRunBoard } = await import("@/lib/runs/queries");
      const { loadRunSnapshot } = await import("@/lib/runs/frozen-plan");
      const board = await getRunBoard({ runId: "r-old" });
      expect(board.phases).toEqual([
        { id: "ph-prep", title: "Prepare", inWindow: false },
        { id: "ph-cut", title: "Cutover", inWindow: true },
      ]);
      expect(board.steps.map((s) => [s.number, s.title, s.status, s.startedBy, s.signedOffBy, s.decidedBy, s.assigneeName, s.plannedMinutes])).toEqual([
        ["1", "Stop backup jobs", "DONE", "Olga Operator", "Olga Operator", null, "Ada Admin", 10],
        ["2", "Update client bp.conf", "IN_PROGRESS", "Ada Admin", null, null, null, 25],
        ["3", "Go / No-Go", "DONE", "Ada Admin", "Ada Admin", "Ada Admin", null, 5],
      ]);
      expect(board.steps[0]).toMatchObject({ startedAt: "2026-11-24T22:05:00.000Z", signedOffAt: "2026-11-24T22:17:00.000Z", note: "Jobs idle", version: 3 });
      const snapshot = await loadRunSnapshot(client.prisma, "r-old");
      expect(snapshot.phases.map((p) => p.steps.map((s) => s.id))).toEqual([["s-stop"], ["s-fleet", "s-gate"]]);
    } finally {
      await client.disconnectDatabase();
    }
  });
});
