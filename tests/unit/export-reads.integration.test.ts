/**
 * An export's record is read in pieces, with breaks for the event loop between them (issue 16: a
 * sign-off shouldn't wait for a whole run's load). These tests check what that must not cost: the
 * steps read in pages are all there, once, in plan order; and the steps and the audit trail in
 * the record are of one moment even when a sign-off commits while the export reads them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { createProject, createTeam, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

vi.setConfig({ testTimeout: 60_000 });

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let exportData: typeof import("@/lib/exports/run-export-data");

beforeAll(async () => {
  db = await openTestDatabase("export-reads");
  team = await createTeam(db.lib);
  exportData = await import("@/lib/exports/run-export-data");
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await db?.close();
});

/** A project with `phases` phases of `stepsPerPhase` independent steps, and a live run of it. */
async function runOf(name: string, phases: number, stepsPerPhase: number) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const titles: string[][] = [];
  for (let p = 0; p < phases; p++) {
    const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: `Phase ${p + 1} ${name}` }) });
    titles.push([]);
    for (let s = 0; s < stepsPerPhase; s++) {
      const title = `Step ${p + 1}.${s + 1} ${name}`;
      await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title, kind: "TASK", plannedMinutes: 5 }) });
      titles[p].push(title);
    }
  }
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: `Cutover ${name}` } });
  return { project, run, titles };
}

const signOff = (actor: TestActor, runId: string, stepId: string) => db.lib.runs.performStepAction({ actor, runId, stepId, input: { action: "done", note: "", reason: "" } });

/**
 * Watches the reads of one run's audit trail; before the n-th goes to the database, `beforeRead(n)`
 * may commit a real change (as an operator's sign-off would while the export is between reads).
 */
function onTrailRead(runId: string, beforeRead: (n: number) => Promise<unknown> | null) {
  const auditEvent = db.lib.prisma.auditEvent;
  const original = auditEvent.findMany.bind(auditEvent);
  let reads = 0;
  const spy = vi.spyOn(auditEvent, "findMany").mockImplementation(((args: Parameters<typeof original>[0]) => {
    if (args?.where && "runId" in args.where && args.where.runId === runId) {
      reads++;
      const change = beforeRead(reads);
      if (change) return change.then(() => original(args));
    }
    return original(args);
  }) as typeof auditEvent.findMany);
  return { reads: () => reads, restore: () => spy.mockRestore() };
}

/** The record's steps and its trail tell the same story: a step is done exactly when the trail has its sign-off. */
function expectStepsMatchTrail(data: Awaited<ReturnType<typeof exportData.loadRunExportData>>, stepRuns: { id: string; stepId: string }[]) {
  const signedInTrail = new Set(data.audit.events.filter((e) => e.action === "step.done").map((e) => e.entityId));
  const doneInSteps = new Set(data.steps.filter((step) => step.status === "DONE").map((step) => stepRuns.find((sr) => sr.stepId === step.id)!.id));
  expect([...doneInSteps].sort()).toEqual([...signedInTrail].sort());
}

describe("an export's reads", () => {
  it("reads a run's steps in pages and has every one of them once, in plan order, phase by phase", async () => {
    // 3 × 90 steps: more than two pages, and positions repeat across phases (they count within a phase).
    const { run, titles } = await runOf(`paged-${Date.now()}`, 3, 90);
    const findMany = vi.spyOn(db.lib.prisma.stepRun, "findMany");
    const data = await exportData.loadRunExportData({ runId: run.id });
    const stepReads = findMany.mock.calls.length;
    findMany.mockRestore();

    expect(stepReads).toBeGreaterThanOrEqual(3);
    expect(data.phases.map((phase) => phase.steps.map((step) => step.title))).toEqual(titles);
    expect(new Set(data.steps.map((step) => step.id)).size).toBe(270);
    expect(data.steps.map((step) => step.number)).toEqual(Array.from({ length: 270 }, (_, i) => String(i + 1)));
    expect(await db.lib.prisma.stepRun.count({ where: { runId: run.id } })).toBe(270);
  });

  it("reads again when a sign-off commits between the steps and the audit trail: the record's steps and trail agree", async () => {
    const { run } = await runOf(`moment-${Date.now()}`, 1, 3);
    const [first, second] = await db.lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    // The first read of the run's trail happens after its steps were read: a sign-off commits just before it.
    const trail = onTrailRead(run.id, (n) => (n === 1 ? signOff(team.operator, run.id, first.stepId) : null));
    try {
      const data = await exportData.loadRunExportData({ runId: run.id });
      expect(trail.reads()).toBe(2);
      const signedOff = data.steps.find((step) => step.id === first.stepId)!;
      expect(signedOff.status).toBe("DONE");
      expect(signedOff.signedOffBy).toBe(team.operator.name);
      expect(data.steps.find((step) => step.id === second.stepId)!.status).toBe("PENDING");
      expect(data.audit.events.filter((e) => e.entityId === first.id && e.action === "step.done")).toHaveLength(1);
      expectStepsMatchTrail(data, [first, second]);
      expect(data.audit.runHead?.seq).toBe(data.audit.events.at(-1)?.seq);
    } finally {
      trail.restore();
    }
    const stored = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored.status).toBe("DONE");
  });

  it("a run that changes at every read is read a last time without breaks, and the export still comes", async () => {
    const { run } = await runOf(`busy-${Date.now()}`, 1, 4);
    const steps = await db.lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    // A sign-off before each of the first two trail reads; the third read is the last one.
    const trail = onTrailRead(run.id, (n) => (n <= 2 ? signOff(team.operator, run.id, steps[n - 1].stepId) : null));
    const stepReads = vi.spyOn(db.lib.prisma.stepRun, "findMany");
    try {
      const data = await exportData.loadRunExportData({ runId: run.id });
      expect(trail.reads()).toBe(3);
      expect(data.steps.filter((step) => step.status === "DONE").map((step) => step.id)).toEqual([steps[0].stepId, steps[1].stepId]);
      expectStepsMatchTrail(data, steps);
      // The last read of the steps is the one without pages (no `take`), so nothing can come between.
      const lastStepRead = stepReads.mock.calls.at(-1)?.[0] as { take?: number } | undefined;
      expect(lastStepRead).toBeDefined();
      expect(lastStepRead?.take).toBeUndefined();
      expect(stepReads.mock.calls.slice(0, -1).every((call) => (call[0] as { take?: number }).take === 100)).toBe(true);
    } finally {
      trail.restore();
      stepReads.mockRestore();
    }
  });
});
