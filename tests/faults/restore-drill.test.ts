/**
 * The restore drill for the embedded database: the server backs itself up (every
 * RUNSHEET_BACKUP_EVERY_MINUTES, here every tick (~1 s), and at each run end) while operators sign off; the
 * box then dies (kill -9) and the disk with the database is lost. On a "new machine" (an empty
 * folder) `npm run db:restore` puts the newest backup in place, and the app starts on it with
 * every sign-off acknowledged before that backup began, the ended run, an intact audit chain,
 * and working sign-off.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postJson, signIn, signOff } from "../../bench/lib/http";
import { repoRoot, startServer, tsxArgs, type ServerHandle } from "../../bench/lib/server";
import { integrityCheck, openDb, seededDatabase, signOffConsistency, stepRun, verifyAuditChain, type TestDatabase } from "./helpers";

function runCli(file: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs(file, args), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const BACKUP_NAME = /^runsheet-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z(-run-end)?\.db$/;

function backupsIn(dir: string): { file: string; at: number; runEnd: boolean }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .flatMap((name) => {
      const m = BACKUP_NAME.exec(name);
      return m ? [{ file: path.join(dir, name), at: Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`), runEnd: Boolean(m[5]) }] : [];
    })
    .sort((a, b) => a.at - b.at);
}

async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("continuous backup and the restore drill", () => {
  let database: TestDatabase | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    database?.cleanup();
  });

  it("restores the newest automatic backup on a new machine with everything acknowledged before it", async () => {
    database = seededDatabase({ steps: 500, phases: 4, operators: 4, clients: 20 });
    const { seeded, databasePath, dir } = database;
    const runId = seeded.liveRunId!;
    const backupDir = path.join(dir, "backups");
    const server = await startServer({ databasePath, env: { RUNSHEET_BACKUP_EVERY_MINUTES: "0.01", RUNSHEET_BACKUP_DIR: backupDir, RUNSHEET_BACKUP_KEEP: "1" } });
    servers.push(server);
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server.baseUrl, op.email, seeded.password) })));
    const admin = await signIn(server.baseUrl, seeded.admin.email, seeded.password);

    // One operator signs off steps one after another, until the server has taken two interval
    // backups (the first then pruned: keep 1) with sign-offs before them.
    const acks: { stepId: string; userId: string; at: number }[] = [];
    const seen = new Set<string>();
    const enough = () => {
      for (const backup of backupsIn(backupDir)) if (!backup.runEnd) seen.add(backup.file);
      return seen.size >= 2 && acks.filter((ack) => ack.at < backupsIn(backupDir).filter((b) => !b.runEnd).at(-1)!.at).length >= 20;
    };
    for (const [index, stepId] of seeded.signableStepIds.entries()) {
      if (enough()) break;
      const operator = operators[index % operators.length];
      const response = await signOff(server.baseUrl, operator.cookie, runId, stepId);
      expect(response.status, response.text).toBe(200);
      acks.push({ stepId, userId: operator.id, at: Date.now() });
    }
    expect(enough(), `interval backups seen: ${[...seen].map((f) => path.basename(f)).join(", ")}; ${acks.length} sign-offs`).toBe(true);
    const firstSeen = [...seen].sort()[0];
    expect(fs.existsSync(firstSeen), "the older interval backup was pruned (RUNSHEET_BACKUP_KEEP=1)").toBe(false);
    expect(fs.existsSync(`${firstSeen}.evidence`)).toBe(false);
    expect(backupsIn(backupDir).filter((b) => !b.runEnd).length).toBeLessThanOrEqual(1);

    // The run ends: a backup holding the ended run follows at once.
    const abortSentAt = Date.now();
    const aborted = await postJson(server.baseUrl, `/api/runs/${runId}/abort`, admin, { reason: "Restore drill: the box is about to die" });
    expect(aborted.status, aborted.text).toBe(200);
    const runEndBackup = await waitFor("the run-end backup", () => backupsIn(backupDir).find((b) => b.runEnd));
    // The run-end backup began after the abort was sent, so after every acknowledged sign-off. Its
    // file name holds whole seconds only: an acknowledgement in the same second as the backup
    // reads as later than the name's time, so the check is against the second the abort was sent in.
    expect(runEndBackup.at).toBeGreaterThanOrEqual(Math.floor(abortSentAt / 1000) * 1000);
    expect(acks.every((ack) => ack.at <= abortSentAt)).toBe(true);
    const acknowledgedBeforeRunEnd = acks;

    // The box dies, and its disk with it.
    await server.kill9();
    fs.rmSync(databasePath, { force: true });
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(databasePath + suffix, { force: true });

    // A new machine: an empty folder, the backup folder copied over.
    const newMachine = path.join(dir, "new-machine");
    fs.mkdirSync(newMachine);
    const restoredPath = path.join(newMachine, "runsheet.db");
    const newest = backupsIn(backupDir).at(-1)!;
    expect(newest.runEnd, "the newest backup is the one taken when the run ended").toBe(true);
    const restore = await runCli("lib/cli/db-restore.ts", [newest.file], { DATABASE_URL: `file:${restoredPath}`, RUNSHEET_EVIDENCE_DIR: path.join(newMachine, "evidence") });
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain("audit chain ok");

    const db = openDb(restoredPath);
    try {
      expect(integrityCheck(db)).toBe("ok");
      expect(verifyAuditChain(db)).toMatchObject({ ok: true });
      expect(signOffConsistency(db)).toEqual([]);
      for (const ack of acknowledgedBeforeRunEnd) expect(stepRun(db, runId, ack.stepId)).toMatchObject({ status: "DONE", signedOffById: ack.userId });
      const run = db.prepare(`SELECT "status", "endedAt" FROM "run" WHERE "id" = ?`).get(runId) as { status: string; endedAt: string | null };
      expect(run.status).toBe("ABORTED");
      expect(run.endedAt).not.toBeNull();
    } finally {
      db.close();
    }

    // The app runs on the restored file: sign in, and the record is there to work with.
    const onRestored = await startServer({ databasePath: restoredPath });
    servers.push(onRestored);
    const cookie = await signIn(onRestored.baseUrl, seeded.operators[0].email, seeded.password);
    const status = await fetch(`${onRestored.baseUrl}/api/runs/${runId}/status`, { headers: { cookie } });
    expect(status.status).toBe(200);
    // A restore refuses a database that a running server has open.
    const refused = await runCli("lib/cli/db-restore.ts", [newest.file], { DATABASE_URL: `file:${restoredPath}` });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("is in use: stop the app before restoring");
  });
});
