/**
 * `npm run audit:verify` (lib/cli/audit-verify.ts) as a real process, with tsx, against a temporary
 * database written by the real lib functions: exit code 0 and "OK" on a clean record, 1 and the
 * findings in words after a direct UPDATE of a step run or a deleted tail, and the check with a
 * published public key alone.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditAnchorPaths } from "@/lib/audit/checkpoint";
import { createProject, createTeam, templateSteps, type PlanStep } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");

let db: TestDatabase;
let lib: Lib;
let step: (key: string) => PlanStep;
let runId: string;

beforeAll(async () => {
  db = await openTestDatabase("audit-cli");
  lib = db.lib;
  const checkpointer = await import("@/lib/audit/checkpointer");
  await checkpointer.anchorAuditChainAtStartup();
  const team = await createTeam(lib);
  const project = await createProject(lib, team.admin, { name: "CLI check" });
  ({ get: step } = await templateSteps(lib, project.id));
  runId = (await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: "Saturday cutover" } })).id;
  for (const key of ["1", "2", "3"]) await lib.runs.performStepAction({ actor: team.operator, runId, stepId: step(key).id, input: { action: "done", note: "", reason: "" } });
  await checkpointer.flushAuditCheckpoint();
}, 60_000);

afterAll(async () => {
  await db?.close();
});

function runCli(args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, ["lib/cli/audit-verify.ts", ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: `file:${db.file}`, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run audit:verify", () => {
  it("exits 0 and says OK on a clean record", async () => {
    const { code, stdout, stderr } = await runCli();
    expect(stderr).toBe("");
    expect(stdout).toContain(`Checked ${db.file}`);
    expect(stdout).toMatch(/Signing key: [0-9a-f]{64} \(/);
    expect(stdout).toContain("OK: the chain is intact, matches every signed checkpoint, and every step and run agrees with its events.");
    expect(code).toBe(0);
  }, 60_000);

  it("exits 1 and names the run and the step after a direct UPDATE step_run", async () => {
    const raw = db.openRaw();
    raw.prepare(`UPDATE step_run SET status = 'SKIPPED', reason = 'Not needed' WHERE runId = ? AND stepId = ?`).run(runId, step("4").id);
    try {
      const { code, stdout } = await runCli();
      expect(stdout).toContain("FAILED: 1 finding(s):");
      expect(stdout).toContain(`[step-state] Run “Saturday cutover” (CLI check), step “${step("4").title}”`);
      expect(stdout).toContain("status is “SKIPPED” in the row but “PENDING” in the events");
      expect(code).toBe(1);
    } finally {
      raw.prepare(`UPDATE step_run SET status = 'PENDING', reason = '' WHERE runId = ? AND stepId = ?`).run(runId, step("4").id);
      raw.close();
    }
  }, 60_000);

  it("exits 1 on a deleted tail, also when checked with the published public key only", async () => {
    const copy = path.join(path.dirname(db.file), "tail.db");
    const raw = db.openRaw();
    raw.exec(`VACUUM INTO '${copy}'`);
    raw.close();
    fs.copyFileSync(auditAnchorPaths(db.file).checkpoints, `${copy}.audit-checkpoints.jsonl`);
    const cut = new (await import("better-sqlite3")).default(copy);
    const { max } = cut.prepare(`SELECT max(seq) AS max FROM audit_event`).get() as { max: number };
    cut.prepare(`DELETE FROM audit_event WHERE seq > ?`).run(max - 2);
    cut.close();
    // The copy sits in the same folder, so the installation's key is found next to it.
    const withKey = await runCli([], { DATABASE_URL: `file:${copy}` });
    expect(withKey.stdout).toContain(`[tail-deleted] Events were deleted from the end of the chain: it ends at event #${max - 2}`);
    expect(withKey.code).toBe(1);
    // An auditor with only the .pub file, and no private key anywhere near.
    const withPub = await runCli(["--", "--public-key", auditAnchorPaths(db.file).publicKey], { DATABASE_URL: `file:${copy}`, RUNSHEET_AUDIT_SIGNING_KEY: path.join(path.dirname(db.file), "absent", "key") });
    expect(withPub.stdout).toContain("[tail-deleted]");
    expect(withPub.stdout).not.toContain("[no-key]");
    expect(withPub.code).toBe(1);
  }, 60_000);

  it("a tail deleted together with the checkpoints that cover it is caught by the head printed in an export", async () => {
    // The newest events are sign-ins (no project, no step state to give them away), each signed.
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    const { flushAuditCheckpoint } = await import("@/lib/audit/checkpointer");
    for (const email of ["a@example.test", "b@example.test"]) {
      await runTransaction((tx) => lib.audit.appendAuditEvent(tx, { actor: null, projectId: null, action: "auth.sign_in", entityType: "user", entityId: email, before: null, after: { email } }));
      await flushAuditCheckpoint();
    }
    const copy = path.join(path.dirname(db.file), "tail-and-checkpoints.db");
    const raw = db.openRaw();
    raw.exec(`VACUUM INTO '${copy}'`);
    const last = raw.prepare(`SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1`).get() as { seq: number; hash: string };
    raw.close();
    const cut = new (await import("better-sqlite3")).default(copy);
    const keep = last.seq - 2;
    cut.prepare(`DELETE FROM audit_event WHERE seq > ?`).run(keep);
    const keptHash = (cut.prepare(`SELECT hash FROM audit_event WHERE seq = ?`).get(keep) as { hash: string }).hash;
    cut.close();
    const lines = fs.readFileSync(auditAnchorPaths(db.file).checkpoints, "utf8").split("\n").filter(Boolean);
    const older = lines.filter((line) => (JSON.parse(line) as { seq: number }).seq <= keep);
    expect(older.length).toBeLessThan(lines.length);
    fs.writeFileSync(`${copy}.audit-checkpoints.jsonl`, `${older.join("\n")}\n`);
    // What the machine alone can say: nothing is wrong (the limit of a local anchor).
    expect((await runCli([], { DATABASE_URL: `file:${copy}` })).code).toBe(0);
    // With the head from the PDF handed to the change board:
    const withHead = await runCli(["--", "--head", `${last.seq}:${last.hash}`], { DATABASE_URL: `file:${copy}` });
    expect(withHead.stdout).toContain(`[tail-deleted] Events were deleted from the end of the chain: it ends at event #${keep}, but the head #${last.seq} you gave (from an export) is later.`);
    expect(withHead.code).toBe(1);
    // An older head that is still there checks out.
    expect((await runCli(["--", "--head", `${keep}:${keptHash}`], { DATABASE_URL: `file:${copy}` })).code).toBe(0);
  }, 60_000);

  it("exits 2 with a clear message when there is no database", async () => {
    const { code, stderr } = await runCli([], { DATABASE_URL: `file:${path.join(path.dirname(db.file), "missing.db")}` });
    expect(stderr).toContain("audit:verify: no database at");
    expect(code).toBe(2);
  }, 60_000);
});
