/**
 * Evidence in backups: `npm run db:backup -- <file>` copies every evidence file the database
 * records into `<file>.evidence/<sha[0:2]>/<sha>`, byte for byte, and refuses to call a backup
 * complete (non-zero exit, the hash named) when a recorded file was altered or removed on disk.
 * Evidence is attached through the running production server's API, as the page does it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signIn } from "../../bench/lib/http";
import { repoRoot, startServer, tsxArgs, type ServerHandle } from "../../bench/lib/server";
import { integrityCheck, openDb, seededDatabase, verifyAuditChain, type TestDatabase } from "./helpers";

function runBackup(databasePath: string, destination: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs("lib/cli/db-backup.ts", [destination]), {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: `file:${databasePath}`, RUNSHEET_EVIDENCE_DIR: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const evidencePath = (root: string, sha: string) => path.join(root, sha.slice(0, 2), sha);

/** POST /api/runs/:runId/steps/:stepId/evidence as multipart, the way the page sends it. */
async function attach(baseUrl: string, cookie: string, runId: string, stepId: string, name: string, type: string, bytes: Buffer) {
  const form = new FormData();
  form.set("file", new File([new Uint8Array(bytes)], name, { type }));
  const response = await fetch(`${baseUrl}/api/runs/${runId}/steps/${stepId}/evidence`, { method: "POST", headers: { cookie, origin: baseUrl }, body: form });
  const text = await response.text();
  expect(response.status, `attach ${name}: ${text}`).toBe(200);
  return JSON.parse(text) as { id: string; sha256: string; size: number };
}

/** Everything under `dir`, as paths relative to it (files only). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe("db:backup with evidence", () => {
  let database: TestDatabase | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    database?.cleanup();
  });

  it("copies every evidence file by its hash, and fails naming the hash when one was altered or removed", async () => {
    database = seededDatabase({ steps: 20, phases: 2, operators: 2, clients: 5 });
    const { seeded, databasePath, dir } = database;
    const runId = seeded.liveRunId!;
    // The server keeps evidence next to its database (lib/platform/storage/evidence.ts).
    const server = await startServer({ databasePath, env: { RUNSHEET_EVIDENCE_DIR: "" } });
    servers.push(server);
    const evidenceRoot = path.join(dir, "evidence");
    const cookie = await signIn(server.baseUrl, seeded.operators[0].email, seeded.password);
    const [stepA, stepB] = seeded.pendingInLiveRun;
    // Evidence goes with work that has started: start both steps first, as an operator would.
    for (const stepId of [stepA, stepB]) {
      const started = await fetch(`${server.baseUrl}/api/runs/${runId}/steps/${stepId}/actions`, {
        method: "POST",
        headers: { cookie, origin: server.baseUrl, "content-type": "application/json" },
        body: JSON.stringify({ action: "start" }),
      });
      expect(started.status, await started.text()).toBe(200);
    }

    const log = Buffer.from(`$ bpps -x\n${Date.now()} nbpem nbjm bprd\n`.repeat(50), "utf8");
    const json = Buffer.from(JSON.stringify({ check: "catalog", at: new Date().toISOString(), ok: true }), "utf8");
    const first = await attach(server.baseUrl, cookie, runId, stepA, "bpps-before-cutover.log", "text/plain", log);
    const second = await attach(server.baseUrl, cookie, runId, stepB, "catalog-check.json", "application/json", json);
    // The same bytes again, on another step: one row more, still one file.
    const again = await attach(server.baseUrl, cookie, runId, stepB, "bpps-copy.log", "text/plain", log);
    expect([first.sha256, second.sha256, again.sha256]).toEqual([sha256(log), sha256(json), sha256(log)]);
    for (const [sha, bytes] of [
      [first.sha256, log],
      [second.sha256, json],
    ] as const) {
      expect(fs.readFileSync(evidencePath(evidenceRoot, sha)).equals(bytes), `the server stored ${sha}`).toBe(true);
    }

    // A backup now holds both files under their hashes, byte for byte, and nothing else.
    const destination = path.join(dir, "backups", "with-evidence.db");
    const backup = await runBackup(databasePath, destination);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toContain(`2 evidence file(s)`);
    const copied = `${destination}.evidence`;
    expect(filesUnder(copied)).toEqual([path.join(first.sha256.slice(0, 2), first.sha256), path.join(second.sha256.slice(0, 2), second.sha256)].sort());
    expect(fs.readFileSync(evidencePath(copied, first.sha256)).equals(log)).toBe(true);
    expect(fs.readFileSync(evidencePath(copied, second.sha256)).equals(json)).toBe(true);
    expect(fs.existsSync(`${destination}.partial`)).toBe(false);
    expect(fs.existsSync(`${copied}.partial`)).toBe(false);
    const db = openDb(destination, { readonly: true });
    try {
      expect(integrityCheck(db)).toBe("ok");
      expect(verifyAuditChain(db)).toMatchObject({ ok: true });
      expect(db.prepare(`SELECT id, sha256 FROM attachment ORDER BY createdAt, rowid`).all()).toEqual([
        { id: first.id, sha256: first.sha256 },
        { id: second.id, sha256: second.sha256 },
        { id: again.id, sha256: first.sha256 },
      ]);
      expect((db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'evidence.attach'`).get() as { n: number }).n).toBe(3);
    } finally {
      db.close();
    }

    // The log is altered on disk: the server refuses to serve it, and a backup fails naming it.
    const altered = Buffer.from(log.toString("utf8").replace("nbpem", "NBPEM"), "utf8");
    expect(altered.length).toBe(log.length);
    fs.writeFileSync(evidencePath(evidenceRoot, first.sha256), altered);
    const served = await fetch(`${server.baseUrl}/api/attachments/${first.id}`, { headers: { cookie } });
    expect(served.status, await served.text()).toBe(409);

    const refused = path.join(dir, "backups", "altered.db");
    const failed = await runBackup(databasePath, refused);
    expect(failed.code, failed.output).not.toBe(0);
    expect(failed.output).toContain(first.sha256);
    expect(failed.output).toContain(`evidence file ${first.sha256} no longer matches its SHA-256.`);
    expect(fs.existsSync(refused), "no backup under the final name").toBe(false);
    expect(fs.existsSync(`${refused}.evidence`), "no evidence folder under the final name").toBe(false);
    // A failed backup cleans up after itself, like its other failure paths (lib/cli/db-backup.ts).
    expect.soft(fs.existsSync(`${refused}.partial`), `${refused}.partial is left behind`).toBe(false);
    expect.soft(fs.existsSync(`${refused}.evidence.partial`), `${refused}.evidence.partial is left behind`).toBe(false);

    // Put back, then the JSON removed: the backup fails naming the missing hash.
    fs.writeFileSync(evidencePath(evidenceRoot, first.sha256), log);
    fs.rmSync(evidencePath(evidenceRoot, second.sha256));
    const missing = path.join(dir, "backups", "missing.db");
    const failedMissing = await runBackup(databasePath, missing);
    expect(failedMissing.code, failedMissing.output).not.toBe(0);
    expect(failedMissing.output).toContain(`evidence file ${second.sha256} is missing`);
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(`${missing}.evidence`)).toBe(false);

    // The earlier, good backup is untouched by the failures.
    expect(fs.readFileSync(evidencePath(copied, first.sha256)).equals(log)).toBe(true);
    expect(fs.readFileSync(evidencePath(copied, second.sha256)).equals(json)).toBe(true);
  });
});
