/**
 * An export's record is read in pieces, with breaks for the event loop between them (issue 16: a
 * sign-off shouldn't wait for a whole run's load). These tests check what that must not cost: the
 * steps read in pages are all there, once, in plan order; and the steps and the audit trail in
 * the record are of one moment even when a sign-off commits while the export reads them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { createProject, createTeam, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, TESTS_ON_POSTGRES, type TestDatabase } from "./helpers/db-setup";

vi.setConfig({ testTimeout: 60_000 });

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let exportData: typeof import("@/lib/exports/run-export-data");
let fleet: typeof import("@/lib/fleet/service");

beforeAll(async () => {
  db = await openTestDatabase("export-reads");
  team = await createTeam(db.lib);
  exportData = await import("@/lib/exports/run-export-data");
  fleet = await import("@/lib/fleet/service");
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

type WatchedModel = "auditEvent" | "stepRun" | "fleetClientRun";
type FindManyArgs = { where?: Record<string, unknown>; take?: number } | undefined;

/**
 * Watches the export's reads of some tables, wherever it makes them: on the shared client and,
 * on PostgreSQL, on the client of its read snapshot (a transaction's). Before a read goes to the
 * database, `before(args)` may return a real change to commit first, as an operator's sign-off
 * would while the export is between reads.
 */
function watchReads(hooks: Partial<Record<WatchedModel, (args: FindManyArgs) => Promise<unknown> | null>>) {
  const prisma = db.lib.prisma;
  const calls: Record<WatchedModel, FindManyArgs[]> = { auditEvent: [], stepRun: [], fleetClientRun: [] };
  // The export waits while a change commits, so the reads meanwhile are the change's own.
  let changing = false;
  const watched = (model: WatchedModel, findMany: (args: FindManyArgs) => Promise<unknown>) => (args: FindManyArgs) => {
    if (changing) return findMany(args);
    calls[model].push(args);
    const change = hooks[model]?.(args) ?? null;
    if (!change) return findMany(args);
    changing = true;
    return change.finally(() => (changing = false)).then(() => findMany(args));
  };
  const models = Object.keys(hooks) as WatchedModel[];
  const spies: { mockRestore: () => void }[] = models.map((model) => {
    const delegate = prisma[model] as unknown as { findMany: (args: FindManyArgs) => Promise<unknown> };
    const findMany = watched(model, delegate.findMany.bind(delegate));
    return vi.spyOn(delegate, "findMany").mockImplementation(findMany);
  });
  const transaction = prisma.$transaction.bind(prisma) as (arg: unknown, options?: unknown) => Promise<unknown>;
  spies.push(
    vi.spyOn(prisma, "$transaction").mockImplementation(((arg: unknown, options?: unknown) => {
      if (typeof arg !== "function") return transaction(arg, options);
      return transaction((tx: Record<string, unknown>) => {
        const seen = new Proxy(tx, {
          get(target, prop) {
            const value = Reflect.get(target, prop, target);
            if (typeof prop === "string" && models.includes(prop as WatchedModel)) {
              const delegate = value as { findMany: (args: FindManyArgs) => Promise<unknown> };
              const findMany = watched(prop as WatchedModel, delegate.findMany.bind(delegate));
              return new Proxy(delegate, { get: (d, p) => (p === "findMany" ? findMany : Reflect.get(d, p, d)) });
            }
            return typeof value === "function" ? value.bind(target) : value;
          },
        });
        return (arg as (tx: unknown) => Promise<unknown>)(seen);
      }, options);
    }) as never),
  );
  const ofRun = (runId: string) => (model: WatchedModel) => calls[model].filter((args) => args?.where?.runId === runId);
  return { calls, ofRun, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/** A hook that commits `change(n)` before the n-th read of the run's rows, when it returns one. */
function beforeNthReadOf(runId: string, change: (n: number) => Promise<unknown> | null) {
  let reads = 0;
  return (args: FindManyArgs) => (args?.where?.runId === runId ? change(++reads) : null);
}

/** Loads the run's export while `hooks` watch its reads (watchReads), and stops watching after. */
async function exportWatching(runId: string, hooks: Parameters<typeof watchReads>[0]) {
  const reads = watchReads(hooks);
  try {
    return { data: await exportData.loadRunExportData({ runId }), reads: reads.ofRun(runId) };
  } finally {
    reads.restore();
  }
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
    const { data, reads } = await exportWatching(run.id, { stepRun: () => null });

    expect(reads("stepRun").length).toBeGreaterThanOrEqual(3);
    expect(data.phases.map((phase) => phase.steps.map((step) => step.title))).toEqual(titles);
    expect(new Set(data.steps.map((step) => step.id)).size).toBe(270);
    expect(data.steps.map((step) => step.number)).toEqual(Array.from({ length: 270 }, (_, i) => String(i + 1)));
    expect(await db.lib.prisma.stepRun.count({ where: { runId: run.id } })).toBe(270);
  });

  it("keeps the record's steps and trail of one moment when a sign-off commits between the steps and the trail", async () => {
    const { run } = await runOf(`moment-${Date.now()}`, 1, 3);
    const [first, second] = await db.lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    // The first read of the run's trail happens after its steps were read: a sign-off commits just before it.
    const { data, reads } = await exportWatching(run.id, { auditEvent: beforeNthReadOf(run.id, (n) => (n === 1 ? signOff(team.operator, run.id, first.stepId) : null)) });
    const signedOff = data.steps.find((step) => step.id === first.stepId)!;
    if (TESTS_ON_POSTGRES) {
      // One read in one snapshot, taken before the sign-off committed: the record has neither its
      // step change nor its audit event.
      expect(reads("auditEvent")).toHaveLength(1);
      expect(signedOff.status).toBe("PENDING");
      expect(data.audit.events.filter((e) => e.action === "step.done")).toHaveLength(0);
    } else {
      // SQLite reads again, and the second read has both.
      expect(reads("auditEvent")).toHaveLength(2);
      expect(signedOff.status).toBe("DONE");
      expect(signedOff.signedOffBy).toBe(team.operator.name);
      expect(data.audit.events.filter((e) => e.entityId === first.id && e.action === "step.done")).toHaveLength(1);
    }
    expect(data.steps.find((step) => step.id === second.stepId)!.status).toBe("PENDING");
    expectStepsMatchTrail(data, [first, second]);
    expect(data.audit.runHead?.seq).toBe(data.audit.events.at(-1)?.seq);
    const stored = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored.status).toBe("DONE");
  });

  it.skipIf(TESTS_ON_POSTGRES)("on SQLite, a run that changes at every read is read a last time without breaks, and the export still comes", async () => {
    const { run } = await runOf(`busy-${Date.now()}`, 1, 4);
    const steps = await db.lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    // A sign-off before each of the first two trail reads; the third read is the last one.
    const { data, reads } = await exportWatching(run.id, { auditEvent: beforeNthReadOf(run.id, (n) => (n <= 2 ? signOff(team.operator, run.id, steps[n - 1].stepId) : null)), stepRun: () => null });
    expect(reads("auditEvent")).toHaveLength(3);
    expect(data.steps.filter((step) => step.status === "DONE").map((step) => step.id)).toEqual([steps[0].stepId, steps[1].stepId]);
    expectStepsMatchTrail(data, steps);
    // The last read of the steps is the one without pages (no `take`), so nothing can come between.
    const stepReads = reads("stepRun");
    expect(stepReads.at(-1)).toBeDefined();
    expect(stepReads.at(-1)?.take).toBeUndefined();
    expect(stepReads.slice(0, -1).every((args) => args?.take === 100)).toBe(true);
  });

  it.skipIf(!TESTS_ON_POSTGRES)("on PostgreSQL, changes that commit between any two of the record's reads are in none of them, while the reads still come in pages", async () => {
    const name = `snapshot-${Date.now()}`;
    const project = await createProject(db.lib, team.admin, { name, template: "empty" });
    const phase = await db.lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: `Clients ${name}` }) });
    const fleetStep = await db.lib.plan.addStep({
      actor: team.admin,
      projectId: project.id,
      input: createStepInput.parse({ phaseId: phase.id, title: `Check every client ${name}`, kind: "TASK", plannedMinutes: 30, isFleet: true, fleetAction: "CHECK_CONNECTIVITY" }),
    });
    for (let s = 0; s < 150; s++) await db.lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: `Step ${s + 2} ${name}`, kind: "TASK", plannedMinutes: 5 }) });
    // Clients named as a real fleet is: repeated prefixes, mixed case, not in insertion order.
    const hostnames = Array.from({ length: 600 }, (_, i) => `${["nbu", "App", "db"][i % 3]}-${String((i * 37) % 600).padStart(3, "0")}.corp.example`);
    await db.lib.prisma.fleetClient.createMany({ data: hostnames.map((hostname) => ({ projectId: project.id, hostname, os: "RHEL8" })) });
    const run = await db.lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: `Cutover ${name}` } });
    const stepRows = await db.lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { position: "asc" } });
    const fleetRows = await db.lib.prisma.fleetClientRun.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    const tick = (rows: typeof fleetRows) =>
      fleet.updateFleetClients({ actor: team.operator, runId: run.id, stepId: fleetStep.id, input: { status: "VERIFIED", reason: "", selection: { kind: "ids", items: rows.map((r) => ({ id: r.id, version: r.version })) } } });
    // A sign-off before the second page of steps and before the trail; a fleet tick before the first
    // and the second page of the fleet.
    const { data, reads } = await exportWatching(run.id, {
      stepRun: beforeNthReadOf(run.id, (n) => (n === 2 ? signOff(team.operator, run.id, stepRows[1].stepId) : null)),
      auditEvent: beforeNthReadOf(run.id, (n) => (n === 1 ? signOff(team.operator, run.id, stepRows[2].stepId) : null)),
      fleetClientRun: beforeNthReadOf(run.id, (n) => (n === 1 ? tick(fleetRows.slice(0, 5)) : n === 2 ? tick(fleetRows.slice(5, 10)) : null)),
    });
    expect(reads("stepRun").length).toBeGreaterThanOrEqual(2);
    expect(reads("fleetClientRun").length).toBeGreaterThanOrEqual(3);
    expect(reads("auditEvent")).toHaveLength(1);
    // The record: the run as it was when the export began.
    expect(data.steps.filter((step) => step.status !== "PENDING")).toEqual([]);
    expect(data.audit.events.filter((e) => e.action === "step.done" || e.action === "fleet.update")).toEqual([]);
    expect(data.fleet?.steps[0].counts).toEqual({ PENDING: 600, UPDATED: 0, VERIFIED: 0, FAILED: 0 });
    expect(data.fleet?.rows).toHaveLength(600);
    expect(data.fleet?.rows.map((row) => row.hostname)).toEqual([...hostnames].sort());
    expect(data.audit.runHead?.seq).toBe(data.audit.events.at(-1)?.seq);
    // The database: every change committed.
    expect(await db.lib.prisma.stepRun.count({ where: { runId: run.id, status: "DONE" } })).toBe(2);
    expect(await db.lib.prisma.fleetClientRun.count({ where: { runId: run.id, status: "VERIFIED" } })).toBe(10);
    // And an export after them has them all.
    const after = await exportData.loadRunExportData({ runId: run.id });
    expect(after.steps.filter((step) => step.status === "DONE").map((step) => step.id)).toEqual([stepRows[1].stepId, stepRows[2].stepId]);
    expect(after.fleet?.steps[0].counts.VERIFIED).toBe(10);
  });
});
