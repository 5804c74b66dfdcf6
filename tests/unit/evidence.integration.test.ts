/**
 * Evidence on a step: stored once under its SHA-256 next to the database, recorded with its hash
 * in the audit event; a file that is empty, too large or of a kind we don't keep is refused with a
 * clear message and nothing is stored (no row, no file).
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ValidationError } from "@/lib/platform/errors";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let evidence: typeof import("@/lib/runs/evidence");
let storage: typeof import("@/lib/platform/storage/evidence");

beforeAll(async () => {
  db = await openTestDatabase("evidence");
  team = await createTeam(db.lib);
  evidence = await import("@/lib/runs/evidence");
  storage = await import("@/lib/platform/storage/evidence");
});
afterAll(async () => db?.close());

async function runWithStep(name: string) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
  const step = await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Catalog backup", kind: "TASK", plannedMinutes: 30 }) });
  await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Keeps the run open", kind: "TASK", plannedMinutes: 5 }) });
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
  // Evidence goes with work that has started.
  await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: step.id, input: { action: "start", note: "", reason: "" } });
  return { run, step };
}

const files = () => (fs.existsSync(storage.evidenceDirectory()) ? fs.readdirSync(storage.evidenceDirectory(), { recursive: true }).filter((f) => String(f).length > 2).length : 0);

describe("attaching evidence", () => {
  it("stores the file under its SHA-256, records it, and puts the hash in the audit event", async () => {
    const { run, step } = await runWithStep("Evidence ok");
    const text = "bpbackup -i -p catalog\nstatus: 0\n";
    const sha = createHash("sha256").update(text).digest("hex");
    const result = await evidence.attachEvidence({ actor: team.operator, runId: run.id, stepId: step.id, file: new File([text], "catalog-backup.log", { type: "text/plain" }) });
    expect(result).toMatchObject({ name: "catalog-backup.log", size: text.length, sha256: sha });
    expect(fs.readFileSync(path.join(storage.evidenceDirectory(), sha.slice(0, 2), sha), "utf8")).toBe(text);
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "evidence.attach" } });
    expect(JSON.parse(event.after)).toEqual({ stepTitle: "Catalog backup", name: "catalog-backup.log", size: text.length, sha256: sha });
    const board = await db.lib.runQueries.getRunBoard({ runId: run.id });
    expect(board.steps.find((s) => s.id === step.id)!.evidence).toMatchObject([{ name: "catalog-backup.log", sha256: sha, by: team.operator.name }]);
    const read = await evidence.readAttachment({ actor: team.viewer, attachmentId: result.id });
    expect(read.bytes.toString("utf8")).toBe(text);
  });

  it("refuses an empty file, a too-large one and an unknown kind; nothing is stored", async () => {
    const { run, step } = await runWithStep("Evidence refused");
    const before = { rows: await db.lib.prisma.attachment.count(), files: files(), events: await db.lib.prisma.auditEvent.count() };
    const attach = (file: File) => caught(() => evidence.attachEvidence({ actor: team.operator, runId: run.id, stepId: step.id, file }));
    const empty = await attach(new File([], "empty.log", { type: "text/plain" }));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(empty.message).toBe('"empty.log" is empty.');
    const exe = await attach(new File(["MZ..."], "tool.exe", { type: "application/x-msdownload" }));
    expect(exe.message).toMatch(/^"tool.exe" isn't a kind of file kept as evidence/);
    const disguised = await attach(new File(["<html>"], "shot.png", { type: "text/html" }));
    expect(disguised).toBeInstanceOf(ValidationError);
    process.env.RUNSHEET_MAX_EVIDENCE_MB = "0.001";
    try {
      const big = await attach(new File([new Uint8Array(2000)], "big.log", { type: "text/plain" }));
      expect(big.message).toBe('"big.log" is larger than 1 KB.');
    } finally {
      delete process.env.RUNSHEET_MAX_EVIDENCE_MB;
    }
    expect({ rows: await db.lib.prisma.attachment.count(), files: files(), events: await db.lib.prisma.auditEvent.count() }).toEqual(before);
  });

  it("a step that hasn't started takes no evidence yet", async () => {
    const { run } = await runWithStep("Evidence pending");
    const pending = await db.lib.prisma.stepRun.findFirstOrThrow({ where: { runId: run.id, status: "PENDING" } });
    const refused = await caught(() => evidence.attachEvidence({ actor: team.operator, runId: run.id, stepId: pending.stepId, file: new File(["x"], "early.txt", { type: "text/plain" }) }));
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused.message).toBe("Start the step before attaching evidence to it.");
  });

  it("an ended run takes no more evidence", async () => {
    const { run, step } = await runWithStep("Evidence ended");
    await db.lib.runs.endRunByHand({ actor: team.admin, runId: run.id, how: "end", input: { reason: "Done rehearsing" } });
    expect(await caught(() => evidence.attachEvidence({ actor: team.operator, runId: run.id, stepId: step.id, file: new File(["x"], "late.txt", { type: "text/plain" }) }))).toBeInstanceOf(ConflictError);
  });
});
