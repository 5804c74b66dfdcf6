/**
 * Online backup while operators keep signing off: `npm run db:backup -- <file>` must produce a
 * consistent snapshot (integrity ok, audit chain ok, every sign-off with exactly one audit
 * event) that holds everything acknowledged before it started, and "restoring" it (copying the
 * file alone to a new place, as the README says) must give a database the app runs on.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { repoRoot, startServer, tsxArgs, type ServerHandle } from "../../bench/lib/server";
import { integrityCheck, openDb, seededDatabase, signOffConsistency, signOffWorkers, stepRun, verifyAuditChain, type TestDatabase } from "./helpers";

function runBackup(databasePath: string, destination: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs("lib/cli/db-backup.ts", [destination]), {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: `file:${databasePath}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("db:backup during concurrent writes", () => {
  let database: TestDatabase | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    database?.cleanup();
  });

  it("writes a verified snapshot that restores to a working database", async () => {
    database = seededDatabase({ steps: 300, phases: 6, operators: 6, clients: 200 });
    const { seeded, databasePath, dir } = database;
    const runId = seeded.liveRunId!;
    const server = await startServer({ databasePath });
    servers.push(server);
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server.baseUrl, op.email, seeded.password) })));

    // Keep ~6 operators signing off; the backup starts once 20 sign-offs are in.
    const reserved = seeded.signableStepIds.slice(-1);
    let reached!: () => void;
    const warmedUp = new Promise<void>((resolve) => (reached = resolve));
    const load = signOffWorkers({ baseUrl: server.baseUrl, runId, stepIds: seeded.signableStepIds.slice(0, -1), operators, workers: 6, onAck: () => load.acks.length >= 20 && reached() });
    await warmedUp;

    const acknowledgedBefore = [...load.acks];
    const destination = path.join(dir, "backups", "runsheet-test.db");
    const backup = await runBackup(databasePath, destination);
    const acksDuring = load.acks.length - acknowledgedBefore.length;
    await load.stop();
    console.log(`backup: ${backup.output.trim().split("\n").pop()} — ${acksDuring} sign-offs committed while it ran, ${load.acks.length} in total`);

    expect(backup.code, backup.output).toBe(0);
    expect(acksDuring, "sign-offs kept committing while the backup ran").toBeGreaterThan(0);
    expect(load.others.map((o) => `${o.response.status} ${o.response.text}`)).toEqual([]);
    expect(load.networkErrors).toEqual([]);
    expect(fs.existsSync(`${destination}.partial`)).toBe(false);

    // Restore = the backup file alone, copied into place (no -wal/-shm).
    const restoreDir = path.join(dir, "restored");
    fs.mkdirSync(restoreDir);
    const restored = path.join(restoreDir, "runsheet.db");
    fs.copyFileSync(destination, restored);
    const db = openDb(restored);
    try {
      expect(integrityCheck(db)).toBe("ok");
      expect(verifyAuditChain(db)).toMatchObject({ ok: true });
      expect(signOffConsistency(db)).toEqual([]);
      for (const ack of acknowledgedBefore) expect(stepRun(db, ack.runId, ack.stepId)).toMatchObject({ status: "DONE", signedOffById: ack.userId });
    } finally {
      db.close();
    }

    // The restored file is a working Runsheet database: sign in and sign off on it.
    const onRestored = await startServer({ databasePath: restored });
    servers.push(onRestored);
    const cookie = await signIn(onRestored.baseUrl, seeded.operators[0].email, seeded.password);
    const response = await signOff(onRestored.baseUrl, cookie, runId, reserved[0]);
    expect(response.status, response.text).toBe(200);
  });
});
