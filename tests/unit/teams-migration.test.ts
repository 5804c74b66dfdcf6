/**
 * prisma/migrations/20261202020000_teams on a database from before it: every migration up to it,
 * steps with free-text teams written by raw SQL ("BA+OS", "OS + ba", "PM+BA", "Network", ""), a
 * run that froze "OS+BA"; then the teams migration. Teams must come from the distinct names (combos
 * split, case folded), the plan's texts become canonical, each step is linked to its teams, and
 * the run's frozen text stays as it was.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/platform/db/migrate";
import { canonicalTeamText } from "@/lib/teams/model";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(repoRoot, "prisma", "migrations");
const TEAMS = "20261202020000_teams";
const before = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrationsDir, e.name, "migration.sql")) && e.name < TEAMS)
  .map((e) => e.name)
  .sort();
const T = "2026-11-20T08:00:00.000+00:00";

let tmp: string;
let raw: Database.Database;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-teams-migration-"));
  const partial = path.join(tmp, "migrations");
  for (const name of before) {
    fs.mkdirSync(path.join(partial, name), { recursive: true });
    fs.copyFileSync(path.join(migrationsDir, name, "migration.sql"), path.join(partial, name, "migration.sql"));
  }
  const databasePath = path.join(tmp, "old.db");
  expect(applyMigrations({ databasePath, migrationsDir: partial })).toEqual(before);
  raw = new Database(databasePath);
  raw.prepare(`INSERT INTO "user" (id, name, email, role, createdAt, updatedAt) VALUES ('u-ada', 'Ada Admin', 'ada@old.test', 'ADMIN', ?, ?)`).run(T, T);
  raw.prepare(`INSERT INTO "project" (id, name, sourceHost, targetHost, timezone, windowStart, windowEnd, status, createdById, createdAt, updatedAt) VALUES ('p1', 'Old', 'a', 'b', 'Europe/Berlin', ?, ?, 'PLANNING', 'u-ada', ?, ?)`).run(T, T, T, T);
  raw.prepare(`INSERT INTO "phase" (id, projectId, title, position, createdAt, updatedAt) VALUES ('ph1', 'p1', 'Cutover', 1, ?, ?)`).run(T, T);
  const step = raw.prepare(`INSERT INTO "step" (id, projectId, phaseId, position, title, team, plannedMinutes, createdAt, updatedAt) VALUES (?, 'p1', 'ph1', ?, ?, ?, 10, ?, ?)`);
  const teams: [string, string][] = [["s1", "BA+OS"], ["s2", "OS+BA"], ["s3", "OS + ba"], ["s4", "PM+BA"], ["s5", "Network"], ["s6", ""], ["s7", "BA"]];
  teams.forEach(([id, team], i) => step.run(id, i + 1, `Step ${id}`, team, T, T));
  raw.prepare(`INSERT INTO "run" (id, projectId, kind, name, status, mode, windowStart, windowEnd, startedAt, startedById, endedAt, createdAt, updatedAt) VALUES ('r1', 'p1', 'REHEARSAL', 'R1', 'COMPLETED', 'FORWARD', ?, ?, ?, 'u-ada', ?, ?, ?)`).run(T, T, T, T, T, T);
  raw.prepare(`INSERT INTO "run_phase" (id, runId, phaseId, position, title) VALUES ('rp1', 'r1', 'ph1', 1, 'Cutover')`).run();
  raw.prepare(`INSERT INTO "step_run" (id, runId, stepId, runPhaseId, position, status, title, team, plannedMinutes, createdAt, updatedAt) VALUES ('sr2', 'r1', 's2', 'rp1', 2, 'DONE', 'Step s2', 'OS+BA', 10, ?, ?)`).run(T, T);
  raw.close();
  expect(applyMigrations({ databasePath, migrationsDir })).toContain(TEAMS);
  raw = new Database(databasePath, { readonly: true });
});

afterAll(() => {
  raw?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the teams migration on existing steps", () => {
  it("creates one team per distinct name, combos split and case folded, spelled as most steps spell it", () => {
    const teams = raw.prepare(`SELECT name, key FROM "team" ORDER BY key`).all();
    expect(teams).toEqual([
      { name: "BA", key: "ba" },
      { name: "Network", key: "network" },
      { name: "OS", key: "os" },
      { name: "PM", key: "pm" },
    ]);
  });

  it("makes the plan's texts canonical and links each step to its teams", () => {
    const steps = raw.prepare(`SELECT id, team FROM "step" ORDER BY id`).all() as { id: string; team: string }[];
    expect(Object.fromEntries(steps.map((s) => [s.id, s.team]))).toEqual({ s1: "BA+OS", s2: "BA+OS", s3: "BA+OS", s4: "BA+PM", s5: "Network", s6: "", s7: "BA" });
    const links = raw.prepare(`SELECT st.stepId AS stepId, t.name AS name FROM "step_team" st JOIN "team" t ON t.id = st.teamId`).all() as { stepId: string; name: string }[];
    for (const step of steps) expect(canonicalTeamText(links.filter((l) => l.stepId === step.id).map((l) => l.name))).toBe(step.team);
    expect(links.filter((l) => l.stepId === "s3")).toHaveLength(2);
  });

  it("leaves a run's frozen team text alone", () => {
    expect(raw.prepare(`SELECT team FROM "step_run" WHERE id = 'sr2'`).get()).toEqual({ team: "OS+BA" });
  });
});
