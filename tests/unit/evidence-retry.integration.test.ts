/**
 * A retried upload (the CLI resends when it didn't hear back) is the same evidence, not new: the
 * same file under the same name on the same step by the same person is kept once, with one audit
 * event, and the answer says it was already there. Another name, another person or another step
 * is new evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let evidence: typeof import("@/lib/runs/evidence");

beforeAll(async () => {
  db = await openTestDatabase("evidence-retry");
  team = await createTeam(db.lib);
  evidence = await import("@/lib/runs/evidence");
});
afterAll(async () => db?.close());

describe("a retried evidence upload", () => {
  it("is kept once, and a different name or person is new evidence", async () => {
    const lib = db.lib;
    const project = await createProject(lib, team.admin, { name: "Evidence retry", template: "empty" });
    const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
    const step = await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Catalog backup", kind: "TASK", plannedMinutes: 30 }) });
    await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Keeps the run open", kind: "TASK", plannedMinutes: 5 }) });
    const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: step.id, input: { action: "start", note: "", reason: "" } });
    const file = (name: string) => new File(["catalog ok\n"], name, { type: "text/plain" });
    const attach = (actor: typeof team.operator, name: string) => evidence.attachEvidence({ actor, runId: run.id, stepId: step.id, file: file(name) });

    const first = await attach(team.operator, "catalog.log");
    const retried = await attach(team.operator, "catalog.log");
    expect(retried).toMatchObject({ id: first.id, sha256: first.sha256, replayed: true });
    expect("replayed" in first).toBe(false);
    expect(await lib.prisma.attachment.count({ where: { runId: run.id } })).toBe(1);
    expect(await lib.prisma.auditEvent.count({ where: { runId: run.id, action: "evidence.attach" } })).toBe(1);

    const renamed = await attach(team.operator, "catalog-again.log");
    const byAdmin = await attach(team.admin, "catalog.log");
    expect(new Set([first.id, renamed.id, byAdmin.id]).size).toBe(3);
    expect(await lib.prisma.attachment.count({ where: { runId: run.id } })).toBe(3);
    expect(await lib.prisma.auditEvent.count({ where: { runId: run.id, action: "evidence.attach" } })).toBe(3);
  });
});
