/**
 * Backups and restores of a real SQLite file with the app's own schema and audit chain, and the
 * continuous backup's rules (when a backup is due, what is pruned) with a fixed clock.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { createProject, createTeam } from "./helpers/db-fixtures";

let db: TestDatabase;
let backup: typeof import("@/lib/backup/service");
let schedule: typeof import("@/lib/backup/schedule");
let evidenceDir: string;
let work: string;

beforeAll(async () => {
  db = await openTestDatabase("backup");
  work = path.dirname(db.file);
  evidenceDir = path.join(work, "evidence");
  process.env.RUNSHEET_EVIDENCE_DIR = evidenceDir;
  backup = await import("@/lib/backup/service");
  schedule = await import("@/lib/backup/schedule");
  const team = await createTeam(db.lib);
  await createProject(db.lib, team.admin, { name: "Backup drill" });
});
afterAll(async () => {
  delete process.env.RUNSHEET_EVIDENCE_DIR;
  await db?.close();
});

function auditCount(file: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare(`SELECT COUNT(*) AS n FROM audit_event`).get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

/** Stores an evidence file the way the app does (content-addressed) and records it as an attachment row. */
function addEvidence(bytes: string): string {
  const sha = createHash("sha256").update(bytes).digest("hex");
  const file = path.join(evidenceDir, sha.slice(0, 2), sha);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return sha;
}

describe("backupDatabase", () => {
  it("writes a verified, self-contained copy with the audit chain's head, while the source stays open", async () => {
    const destination = path.join(work, "backups", "one.db");
    const report = await backup.backupDatabase({ source: db.file, destination });
    expect(report.auditEvents).toBe(auditCount(db.file));
    expect(report.auditHeadSeq).toBeGreaterThan(0);
    expect(fs.existsSync(destination)).toBe(true);
    expect(fs.existsSync(`${destination}.partial`)).toBe(false);
    expect(fs.existsSync(`${destination}-wal`)).toBe(false);
    expect(auditCount(destination)).toBe(report.auditEvents);
  });

  it("refuses to overwrite a file, or to back up onto the live database", async () => {
    const destination = path.join(work, "backups", "one.db");
    await expect(backup.backupDatabase({ source: db.file, destination })).rejects.toThrow(/already exists; refusing to overwrite it/);
    await expect(backup.backupDatabase({ source: db.file, destination: db.file })).rejects.toThrow(/the destination is the live database itself/);
  });
});

describe("restoreDatabase", () => {
  it("refuses a backup whose audit chain was altered, and leaves the target as it was", async () => {
    const good = path.join(work, "backups", "tamper-source.db");
    await backup.backupDatabase({ source: db.file, destination: good });
    const tampered = path.join(work, "backups", "tampered.db");
    fs.copyFileSync(good, tampered);
    const raw = new Database(tampered);
    raw.prepare(`UPDATE audit_event SET actorName = 'Mallory' WHERE seq = 2`).run();
    raw.close();
    const target = path.join(work, "target-1", "runsheet.db");
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, "not touched");
    await expect(backup.restoreDatabase({ backup: tampered, target, evidenceRoot: evidenceDir })).rejects.toThrow(/audit chain broken at seq 2/);
    expect(fs.readFileSync(target, "utf8")).toBe("not touched");
  });

  it("refuses a database that another connection has open", async () => {
    const good = path.join(work, "backups", "in-use-source.db");
    await backup.backupDatabase({ source: db.file, destination: good });
    // db.file is open in this process through the app's own connections.
    await expect(backup.restoreDatabase({ backup: good, target: db.file, evidenceRoot: evidenceDir })).rejects.toThrow(/is in use: stop the app before restoring/);
    expect(auditCount(db.file)).toBeGreaterThan(0);
  });

  it("puts the backup and its evidence in place on a new machine, and keeps a replaced database beside it", async () => {
    const sha = addEvidence(`bptestbpcd output ${Date.now()}`);
    // An evidence record, written straight into the source (the fault tests attach through the
    // API; what matters here is that a recorded file travels with the backup and comes back).
    const raw = db.openRaw();
    raw.pragma("foreign_keys = OFF");
    raw
      .prepare(`INSERT INTO "attachment" ("id", "runId", "stepId", "sha256", "name", "size", "contentType", "uploadedByName", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(`att-${Date.now()}`, "run-x", "step-x", sha, "bptestbpcd.txt", 10, "text/plain", "Olivia", new Date().toISOString());
    raw.close();
    const withEvidence = path.join(work, "backups", "with-evidence.db");
    const taken = await backup.backupDatabase({ source: db.file, destination: withEvidence, evidenceRoot: evidenceDir });
    expect(taken.evidence).toMatchObject({ files: 1, linked: 1 }); // same file system: a hard link, no copy
    expect(fs.statSync(path.join(`${withEvidence}.evidence`, sha.slice(0, 2), sha)).ino).toBe(fs.statSync(path.join(evidenceDir, sha.slice(0, 2), sha)).ino);

    const newMachine = path.join(work, "new-machine");
    const target = path.join(newMachine, "runsheet.db");
    const newEvidence = path.join(newMachine, "evidence");
    const report = await backup.restoreDatabase({ backup: withEvidence, target, evidenceRoot: newEvidence });
    expect(report.auditEvents).toBe(auditCount(db.file));
    expect(auditCount(target)).toBe(report.auditEvents);
    expect(report.evidence.files).toBe(1);
    expect(fs.readFileSync(path.join(newEvidence, sha.slice(0, 2), sha), "utf8")).toMatch(/^bptestbpcd output/);

    // Restoring again over it keeps the replaced file beside it.
    const again = await backup.restoreDatabase({ backup: withEvidence, target, evidenceRoot: newEvidence });
    expect(again.auditEvents).toBe(report.auditEvents);
    expect(fs.readdirSync(newMachine).some((name) => name.startsWith("runsheet.db.before-restore-"))).toBe(true);
  });

  it("refuses a backup whose evidence is in neither folder, before touching anything", async () => {
    const sha = addEvidence(`lost ${Date.now()}`);
    const raw = db.openRaw();
    raw.pragma("foreign_keys = OFF");
    raw
      .prepare(`INSERT INTO "attachment" ("id", "runId", "stepId", "sha256", "name", "size", "contentType", "uploadedByName", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(`att-lost-${Date.now()}`, "run-x", "step-x", sha, "lost.txt", 4, "text/plain", "Olivia", new Date().toISOString());
    raw.close();
    const file = path.join(work, "backups", "lost-evidence.db");
    await backup.backupDatabase({ source: db.file, destination: file, evidenceRoot: evidenceDir });
    fs.rmSync(path.join(`${file}.evidence`, sha.slice(0, 2), sha));
    const target = path.join(work, "target-lost", "runsheet.db");
    await expect(backup.restoreDatabase({ backup: file, target, evidenceRoot: path.join(work, "target-lost", "evidence") })).rejects.toThrow(new RegExp(`1 evidence file\\(s\\) the backup records are neither in .* \\(first: ${sha}\\)`));
    expect(fs.existsSync(target)).toBe(false);
  });
});

describe("the continuous backup's rules", () => {
  const MIN = 60_000;
  it("backs up at a run end at once, on the interval only when something was recorded, and never an empty database", () => {
    const now = Date.parse("2026-12-05T02:00:00Z");
    const due = (facts: Partial<Parameters<typeof schedule.backupDue>[0]>) =>
      schedule.backupDue({ now, everyMs: 15 * MIN, last: { at: now - 5 * MIN, auditHeadSeq: 100 }, auditHeadSeq: 100, lastRunEndedAt: null, ...facts });
    expect(due({})).toBeNull();
    expect(due({ auditHeadSeq: 120 })).toBeNull(); // changed, but the interval hasn't passed
    expect(due({ auditHeadSeq: 120, last: { at: now - 15 * MIN, auditHeadSeq: 100 } })).toBe("interval");
    expect(due({ last: { at: now - 60 * MIN, auditHeadSeq: 100 } })).toBeNull(); // nothing new in an hour
    expect(due({ last: { at: now - 60 * MIN, auditHeadSeq: null } })).toBe("interval"); // after a restart: unknown content
    expect(due({ lastRunEndedAt: now - 1000 })).toBe("run-end");
    expect(due({ lastRunEndedAt: now - 6 * MIN })).toBeNull(); // ended before the last backup began
    expect(due({ last: null, auditHeadSeq: 0 })).toBeNull();
    expect(due({ last: null })).toBe("interval");
    expect(due({ everyMs: 0, auditHeadSeq: 500, last: { at: now - 600 * MIN, auditHeadSeq: 100 } })).toBeNull(); // 0: run ends only
    expect(due({ everyMs: 0, lastRunEndedAt: now })).toBe("run-end");
  });

  it("prunes the oldest interval backups beyond the number to keep, never a run-end backup", () => {
    const files = [1, 2, 3, 4, 5].map((n) => ({ file: `f${n}`, at: n, runEnd: n === 2 }));
    expect(schedule.backupsToPrune(files, 2).map((f) => f.file)).toEqual(["f1", "f3"]);
    expect(schedule.backupsToPrune(files, 10)).toEqual([]);
  });

  it("reads its settings from the environment, with a clear error for a bad value", () => {
    expect(schedule.backupSettingsFromEnv({})).toMatchObject({ enabled: true, everyMs: 15 * MIN, keep: 96 });
    expect(schedule.backupSettingsFromEnv({ RUNSHEET_BACKUP_EVERY_MINUTES: "off" })).toMatchObject({ enabled: false });
    expect(schedule.backupSettingsFromEnv({ RUNSHEET_BACKUP_EVERY_MINUTES: "0.5", RUNSHEET_BACKUP_DIR: "/srv/backups" })).toMatchObject({ enabled: true, everyMs: 30_000, directory: "/srv/backups" });
    expect(() => schedule.backupSettingsFromEnv({ RUNSHEET_BACKUP_EVERY_MINUTES: "soon" })).toThrow(/RUNSHEET_BACKUP_EVERY_MINUTES/);
  });

  it("takes a tick's backup into the folder, named by its time, and not again when nothing changed", async () => {
    const directory = path.join(work, "continuous");
    const settings = { enabled: true, everyMs: 15 * MIN, keep: 2, directory };
    schedule.resetBackupScheduleForTests();
    let clock = Date.parse("2026-12-05T02:00:00Z");
    const first = await schedule.runBackupTick({ settings, now: () => clock });
    expect(first?.file).toBe(path.join(directory, "runsheet-2026-12-05T02-00-00Z.db"));
    clock += 20 * MIN;
    expect(await schedule.runBackupTick({ settings, now: () => clock })).toBeNull();
    expect(schedule.listBackupFiles(directory).map((f) => path.basename(f.file))).toEqual(["runsheet-2026-12-05T02-00-00Z.db"]);
    expect(schedule.lastBackupResult()).toMatchObject({ ok: true });
  });
});
