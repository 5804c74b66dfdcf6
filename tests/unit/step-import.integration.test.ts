/**
 * CSV import against a real, migrated SQLite file: all or nothing, one audit event, phases merged
 * by name, assignees resolved, active runs tracking the new steps.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { caught, createProject, createTeam, type TestActor } from "./helpers/db-fixtures";

let db: TestDatabase;
let library: typeof import("@/lib/import/service");
let stepImport: typeof import("@/lib/import/steps");
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("step-import");
  library = await import("@/lib/import/service");
  stepImport = await import("@/lib/import/steps");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

/** The request body the import dialog sends: the text and the guessed mapping. */
function body(csv: string, overrides: Record<string, unknown> = {}) {
  const options = stepImport.defaultImportOptions(stepImport.parseCsv(csv));
  return { csv, fileName: "steps.csv", options: { ...options, ...overrides } };
}

async function counts(projectId: string) {
  const p = db.lib.prisma;
  return {
    phases: await p.phase.count({ where: { projectId } }),
    steps: await p.step.count({ where: { projectId } }),
    dependencies: await p.stepDependency.count({ where: { step: { projectId } } }),
    audit: await p.auditEvent.count({ where: { projectId } }),
  };
}

const CSV = [
  "Phase,Title,Team,Assignee,Minutes,Predecessors",
  "Cutover window (Saturday),Check the SAN zoning twice,ST,olivia@example.test,20,",
  "Client wave 2,Update bp.conf on the DMZ clients,BA,,45,1",
  "Client wave 2,Check the DMZ clients,BA,OTTO@example.test,15,2",
].join("\n");

describe("importStepsFromCsv", () => {
  let admin: TestActor;
  beforeAll(() => {
    admin = team.admin;
  });

  it("imports nothing from a file with one bad row, and names the row", async () => {
    const project = await createProject(db.lib, admin, { name: "Import all-or-nothing" });
    const before = await counts(project.id);
    const bad = CSV + "\nClient wave 2,Verify the DMZ backups,BA,,forty,3";
    const error = await caught(() => library.importStepsFromCsv({ actor: admin, projectId: project.id, input: body(bad) }));
    expect(error.name).toBe("ValidationError");
    expect(error.message).toMatch(/^Nothing was imported: 1 row has problems\. Row 4, column "Minutes": The planned duration "forty" is not a duration/);
    expect(error.fieldErrors).toEqual({ "rows.4": [expect.stringMatching(/"forty" is not a duration/)] });
    expect(await counts(project.id)).toEqual(before);
  });

  it("rolls back everything when the server finds what the preview didn't (a deactivated assignee)", async () => {
    const project = await createProject(db.lib, admin, { name: "Import with a stale user list" });
    const before = await counts(project.id);
    await db.lib.users.updateUser({ actor: admin, userId: team.viewer.id, input: { active: false } });
    const error = await caught(() =>
      library.importStepsFromCsv({ actor: admin, projectId: project.id, input: body("Title,Minutes,Assignee\nA,5,\nB,5,vera@example.test") }),
    );
    expect(error.fieldErrors).toEqual({ "rows.2": ['Column "Assignee": No active user has the email "vera@example.test".'] });
    expect(await counts(project.id)).toEqual(before);
  });

  it("imports a good file in one transaction with one audit event, merging a phase that already exists", async () => {
    const project = await createProject(db.lib, admin, { name: "Import good" });
    const run = await db.lib.runs.startRun({ actor: admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    const before = await counts(project.id);
    const cutover = await db.lib.prisma.phase.findFirstOrThrow({ where: { projectId: project.id, title: "Cutover window (Saturday)" }, include: { steps: { orderBy: { position: "asc" } } } });

    const result = await library.importStepsFromCsv({ actor: admin, projectId: project.id, input: body(CSV) });
    expect(result).toEqual({ stepCount: 3, phaseCount: 2, mergedInto: ["Cutover window (Saturday)"], createdTeams: expect.any(Array) });

    const after = await counts(project.id);
    expect(after).toEqual({ phases: before.phases + 1, steps: before.steps + 3, dependencies: before.dependencies + 2, audit: before.audit + 1 });

    // The matching phase got the step at its end; the new phase comes after every existing one.
    const merged = await db.lib.prisma.step.findMany({ where: { phaseId: cutover.id }, orderBy: { position: "asc" } });
    expect(merged.length).toBe(cutover.steps.length + 1);
    expect(merged.at(-1)).toMatchObject({ title: "Check the SAN zoning twice", plannedMinutes: 20, team: "ST", assigneeId: team.operator.id, position: cutover.steps.at(-1)!.position + 1 });
    const phases = await db.lib.prisma.phase.findMany({ where: { projectId: project.id }, orderBy: { position: "asc" }, include: { steps: { orderBy: { position: "asc" }, include: { predecessors: true } } } });
    expect(phases.at(-1)!.title).toBe("Client wave 2");
    expect(phases.filter((p) => p.title === "Cutover window (Saturday)")).toHaveLength(1);
    const [update, check] = phases.at(-1)!.steps;
    expect(update.predecessors.map((d) => d.predecessorId)).toEqual([merged.at(-1)!.id]);
    expect(check.predecessors.map((d) => d.predecessorId)).toEqual([update.id]);
    expect(check.assigneeId).toBe(team.operator2.id);

    // The active rehearsal keeps its copy of the plan; the import shows there as three added steps.
    const newIds = [update.id, check.id, merged.at(-1)!.id];
    expect(await db.lib.prisma.stepRun.count({ where: { runId: run.id, stepId: { in: newIds } } })).toBe(0);
    const drift = await db.lib.planChanges.getRunPlanDrift({ runId: run.id });
    expect(drift!.diff.steps.filter((s) => s.change === "added").map((s) => s.id).sort()).toEqual([...newIds].sort());

    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id, action: "plan.import" } });
    expect(JSON.parse(event.after)).toMatchObject({ source: "csv", fileName: "steps.csv", stepCount: 3, phases: [{ title: "Cutover window (Saturday)", addedToExisting: true }, { title: "Client wave 2", addedToExisting: false }] });
  });

  it("imports a real plan without durations or predecessors as a chain in row order", async () => {
    const project = await createProject(db.lib, admin, { name: "Import row order", template: "empty" });
    const csv = readFileSync(join(__dirname, "fixtures", "plan-master-move-no-durations.csv"), "utf8");
    // Owners are names, not emails: left unmapped (matching names to users is a separate item).
    const request = body(csv);
    request.options = { ...request.options, mapping: { ...request.options.mapping, assignee: null } };
    const result = await library.importStepsFromCsv({ actor: admin, projectId: project.id, input: request });
    expect(result).toEqual({ stepCount: 11, phaseCount: 3, mergedInto: [], createdTeams: expect.any(Array) });

    const phases = await db.lib.prisma.phase.findMany({
      where: { projectId: project.id },
      orderBy: { position: "asc" },
      include: { steps: { orderBy: { position: "asc" }, include: { predecessors: true } } },
    });
    expect(phases.map((p) => p.title)).toEqual(["Preparation", "Cutover", "Verification"]);
    const steps = phases.flatMap((p) => p.steps);
    expect(steps).toHaveLength(11);
    expect(steps.every((s) => s.plannedMinutes === stepImport.NOT_ESTIMATED_MINUTES)).toBe(true);
    // Each step's only predecessor is the step above it, across phase boundaries too.
    expect(steps.map((s) => s.predecessors.map((d) => d.predecessorId))).toEqual(steps.map((_, i) => (i === 0 ? [] : [steps[i - 1].id])));
    expect(await counts(project.id)).toMatchObject({ phases: 3, steps: 11, dependencies: 10 });
  });

  it("stores no implied predecessors when steps without predecessors run in parallel", async () => {
    const project = await createProject(db.lib, admin, { name: "Import parallel", template: "empty" });
    const csv = readFileSync(join(__dirname, "fixtures", "plan-master-move-durations.csv"), "utf8");
    const request = body(csv, { rowOrder: "parallel" });
    request.options = { ...request.options, mapping: { ...request.options.mapping, assignee: null } };
    await library.importStepsFromCsv({ actor: admin, projectId: project.id, input: request });
    const steps = await db.lib.prisma.step.findMany({ where: { projectId: project.id }, orderBy: [{ phase: { position: "asc" } }, { position: "asc" }] });
    expect(steps.map((s) => s.plannedMinutes)).toEqual([15, 10, 150, 30, 90, 90, 90, 180, 0, 0, 0]);
    expect(steps[1].details).toBe("bpplinfo <policy> -modify -inactive\n\nPlanned duration in the imported plan: 5-10 min");
    expect(await counts(project.id)).toMatchObject({ steps: 11, dependencies: 0 });
  });

  it("refuses a cycle, names its rows, and changes nothing", async () => {
    const project = await createProject(db.lib, admin, { name: "Import cycle", template: "empty" });
    const error = await caught(() => library.importStepsFromCsv({ actor: admin, projectId: project.id, input: body("Title,Minutes,Predecessors\nA,5,2\nB,5,1") }));
    expect(Object.keys(error.fieldErrors!).sort()).toEqual(["rows.1", "rows.2"]);
    expect(await counts(project.id)).toMatchObject({ phases: 0, steps: 0 });
  });

  it("gives the preview the active users' names, the phases and the project's window", async () => {
    const windowStart = new Date("2026-12-05T21:00:00.000Z");
    const project = await createProject(db.lib, admin, { name: "Import context", template: "empty", windowStart, windowEnd: new Date("2026-12-06T03:00:00.000Z") });
    const context = await library.getImportContext({ actor: admin, projectId: project.id });
    expect(context.window).toEqual({ start: "2026-12-05T21:00:00.000Z", end: "2026-12-06T03:00:00.000Z", timezone: "Europe/Berlin" });
    expect(context.users).toContainEqual({ email: "otto@example.test", name: "Otto Operator" });
    expect(context.users.map((u) => u.email)).toEqual(context.emails);
  });

  it("imports a plan with IDs, a lag, owners by name and phases outside the window, as the preview showed it", async () => {
    const project = await createProject(db.lib, admin, { name: "Import real columns", template: "empty" });
    const csv = [
      "Task ID,Phase,Description,Owner,Predecessors,Start,End",
      "UK-1,Preparation,Freeze the changes,\"Operator, Otto\",,21:00,21:30",
      "UK-2,Cutover,Stop the ERP,olivia operator,UK-1,22:00,22:15",
      "UK-3,,Copy the ledger,Unix team,UK-2FS+15m,22:30,00:30",
      "UK-4,Hypercare,Watch the queues,Otto Operator,UK-3,00:30,02:30",
    ].join("\n");
    const result = await library.importStepsFromCsv({ actor: admin, projectId: project.id, input: body(csv, { phaseWindow: { Hypercare: true } }) });
    expect(result).toEqual({ stepCount: 4, phaseCount: 3, mergedInto: [], createdTeams: expect.any(Array) });
    const phases = await db.lib.prisma.phase.findMany({ where: { projectId: project.id }, orderBy: { position: "asc" }, include: { steps: { orderBy: { position: "asc" }, include: { predecessors: true } } } });
    // "Preparation" is before the window by its word; "Hypercare" would be after, but the switch put it inside.
    expect(phases.map((p) => [p.title, p.inWindow])).toEqual([["Preparation", false], ["Cutover", true], ["Hypercare", true]]);
    const [freeze, stop, copy, watch] = phases.flatMap((p) => p.steps);
    expect([freeze.assigneeId, stop.assigneeId, copy.assigneeId, watch.assigneeId]).toEqual([team.operator2.id, team.operator.id, null, team.operator2.id]);
    expect(copy).toMatchObject({ title: "Copy the ledger", plannedMinutes: 120, team: "Unix team" });
    expect(copy.details).toBe("ID in the imported plan: UK-3\nOwner in the imported plan: Unix team\nPlanned clock time in the imported plan: 22:30 → 00:30 (next day)");
    // "UK-2FS+15m" is a real lag now: runs wait 15 min after the ERP stops.
    expect(copy.predecessors.map((d) => [d.predecessorId, d.lagMinutes])).toEqual([[stop.id, 15]]);
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id, action: "plan.import" } });
    expect(JSON.parse(event.after)).toMatchObject({ predecessorsBy: "id", unmatchedOwners: ["Unix team"], phases: [{ title: "Preparation", inWindow: false }, { title: "Cutover", inWindow: true }, { title: "Hypercare", inWindow: true }] });
  });

  it("is for admins only", async () => {
    const project = await createProject(db.lib, admin, { name: "Import forbidden", template: "empty" });
    const error = await caught(() => library.importStepsFromCsv({ actor: team.operator, projectId: project.id, input: body(CSV) }));
    expect(error.name).toBe("ForbiddenError");
    expect(await counts(project.id)).toMatchObject({ phases: 0, steps: 0 });
  });
});
