/**
 * The person who signed a step off may take it back within two minutes (a mistaken tap at 3 a.m.),
 * audited; after that, or for someone else's sign-off, only an admin may, with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, ValidationError } from "@/lib/platform/errors";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("own-undo");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

async function signedOff(name: string) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
  const add = (title: string) => lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title, kind: "TASK", plannedMinutes: 5 }) });
  const step = await add("Stop the jobs");
  await add("Keeps the run open");
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
  await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: step.id, input: { action: "done", note: "", reason: "" } });
  const undo = (actor: typeof team.operator, reason = "") => lib.runs.undoSignOff({ actor, runId: run.id, stepId: step.id, input: { reason } });
  const row = () => lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId: step.id } } });
  return { run, step, undo, row };
}

describe("undoing a sign-off", () => {
  it("the signer undoes their own within two minutes, without a reason; it is audited as their own undo", async () => {
    const s = await signedOff("Own undo");
    await s.undo(team.operator);
    expect(await s.row()).toMatchObject({ status: "IN_PROGRESS", signedOffById: null });
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: s.run.id, action: "step.undo_signoff" } });
    expect(event.actorName).toBe(team.operator.name);
    expect(JSON.parse(event.after)).toMatchObject({ ownUndo: true, undoReason: "Undone by the person who signed it off, within 2 minutes." });
  });

  it("after two minutes the signer can't; someone else never can; nothing changes", async () => {
    const s = await signedOff("Own undo too late");
    const other = await caught(() => s.undo(team.operator2));
    expect(other).toBeInstanceOf(ForbiddenError);
    expect(other.message).toBe("Only admins can undo someone else's sign-off.");
    await db.lib.prisma.stepRun.update({ where: { id: (await s.row()).id }, data: { signedOffAt: new Date(Date.now() - 2 * 60_000 - 1000) } });
    const late = await caught(() => s.undo(team.operator));
    expect(late).toBeInstanceOf(ForbiddenError);
    expect(late.message).toBe("Your own sign-off can be undone only within 2 minutes; after that, ask an admin.");
    expect(await s.row()).toMatchObject({ status: "DONE", signedOffById: team.operator.id, version: 2 });
  });

  it("an admin undoes someone else's sign-off only with a reason", async () => {
    const s = await signedOff("Admin undo");
    expect(await caught(() => s.undo(team.admin))).toBeInstanceOf(ValidationError);
    expect((await s.row()).status).toBe("DONE");
    await s.undo(team.admin, "Signed off the wrong step");
    expect(await s.row()).toMatchObject({ status: "IN_PROGRESS", signedOffById: null });
  });
});
