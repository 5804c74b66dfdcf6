/**
 * POST /api/projects/{id}/import with the file alone, through the real route handler on a real
 * SQLite file: CSV text or .xlsx bytes (base64), no options (the columns are guessed as the dialog
 * guesses them), and the dry run that writes nothing and answers the preview.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";
import { xlsx } from "./helpers/xlsx-fixtures";

let db: TestDatabase;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
let admin = "";

beforeAll(async () => {
  db = await openTestDatabase("step-import-file");
  routes = await loadApiRoutes();
  team = await createTeam(db.lib);
  admin = await signIn(routes, { email: "ada@example.test", password: "correct horse battery" });
}, 60_000);
afterAll(async () => db?.close());

async function post(projectId: string, body: unknown) {
  const route = routes.find((r) => r.pattern === "/api/projects/[projectId]/import")!;
  const response = await callRoute(route, "POST", { projectId }, { cookie: admin, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** Everything an import could write. */
async function snapshot(projectId: string) {
  const p = db.lib.prisma;
  return {
    phases: await p.phase.findMany({ where: { projectId }, select: { id: true, title: true, position: true } }),
    steps: await p.step.findMany({ where: { projectId }, select: { id: true, title: true, plannedMinutes: true, version: true } }),
    dependencies: await p.stepDependency.count({ where: { step: { projectId } } }),
    audit: await p.auditEvent.count(),
    versions: await p.planVersion.count({ where: { projectId } }),
  };
}

async function stepsOf(projectId: string) {
  return db.lib.prisma.step.findMany({
    where: { projectId },
    orderBy: [{ phase: { position: "asc" } }, { position: "asc" }],
    select: { title: true, plannedMinutes: true, phase: { select: { title: true } }, predecessors: { select: { predecessor: { select: { title: true } } } } },
  });
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const clock = (minutes: number) => ({ value: minutes / 1440, format: "h:mm" });

/** A plan as a PM keeps it: title and blank row above the header, durations typed as Excel times, one predecessor, one "TBD". */
async function planWorkbook(duration4: unknown = clock(20)) {
  return xlsx([
    ["ACME ERP – Mock cutover 2"],
    [],
    ["Phase", "Task", "Duration", "Predecessors"],
    ["Prepare", "Freeze changes", clock(15), null],
    ["Prepare", "Back up the catalog", clock(30), null],
    ["Cutover", "Stop the backup jobs", clock(45), null],
    ["Cutover", "Tell the service desk", duration4, 1],
    ["Cutover", "Check the media servers", "TBD", null],
  ]);
}

describe("POST /api/projects/{id}/import with the file alone", () => {
  it("imports a CSV with no options, guessing the columns as the dialog does", async () => {
    const project = await createProject(db.lib, team.admin, { name: "File alone CSV", template: "empty" });
    const { status, json } = await post(project.id, { fileName: "plan.csv", csv: "Mock cutover 2\n\nTask;Minutes\nStop the jobs;20\nStart the jobs;25\n" });
    expect(status).toBe(200);
    expect(json).toEqual({ stepCount: 2, phaseCount: 1, mergedInto: [], createdTeams: [] });
    expect(await stepsOf(project.id)).toEqual([
      { title: "Stop the jobs", plannedMinutes: 20, phase: { title: "Imported steps" }, predecessors: [] },
      { title: "Start the jobs", plannedMinutes: 25, phase: { title: "Imported steps" }, predecessors: [{ predecessor: { title: "Stop the jobs" } }] },
    ]);
  });

  it("imports an .xlsx sent as base64 with no options: title rows skipped, Excel times as minutes, the audit event names the format", async () => {
    const project = await createProject(db.lib, team.admin, { name: "File alone xlsx", template: "empty" });
    const { status, json } = await post(project.id, { fileName: "mock-cutover-2.xlsx", base64: base64(await planWorkbook()) });
    expect(status).toBe(200);
    expect(json).toEqual({ stepCount: 5, phaseCount: 2, mergedInto: [], createdTeams: [] });
    const steps = await stepsOf(project.id);
    expect(steps.map((s) => [s.phase.title, s.title, s.plannedMinutes])).toEqual([
      ["Prepare", "Freeze changes", 15],
      ["Prepare", "Back up the catalog", 30],
      ["Cutover", "Stop the backup jobs", 45],
      ["Cutover", "Tell the service desk", 20],
      ["Cutover", "Check the media servers", 0],
    ]);
    expect(steps[3].predecessors).toEqual([{ predecessor: { title: "Freeze changes" } }]);
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id, action: "plan.import" } });
    expect(JSON.parse(event.after!)).toMatchObject({ source: "xlsx", fileName: "mock-cutover-2.xlsx", sheet: "Sheet1", stepCount: 5 });
  });

  it("dry run: writes nothing and answers the preview with the totals and the mapping it used", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Dry run", template: "empty" });
    const before = await snapshot(project.id);
    const { status, json } = await post(project.id, { fileName: "mock-cutover-2.xlsx", base64: base64(await planWorkbook()), dryRun: true });
    expect(status).toBe(200);
    expect(await snapshot(project.id)).toEqual(before);

    expect(json).toMatchObject({ dryRun: true, format: "xlsx", sheets: ["Sheet1"], sheetName: "Sheet1", headers: ["Phase", "Task", "Duration", "Predecessors"], canImport: true });
    expect(json.mapping).toEqual({ phase: { column: 0, header: "Phase" }, title: { column: 1, header: "Task" }, plannedMinutes: { column: 2, header: "Duration" }, predecessors: { column: 3, header: "Predecessors" } });
    // By hand: 15 + 30 + 45 + 20 + 0 (TBD) = 110 min. Rows follow the row above except row 4, which
    // names row 1: 1 → 2 → 3 is 15 + 30 + 45 = 90; 1 → 4 → 5 is 15 + 20 + 0 = 35. Critical path 90.
    expect(json.totalPlannedMinutes).toBe(110);
    expect(json.criticalPathMinutes).toBe(90);
    expect(json.steps.map((s: Record<string, unknown>) => [s.row, s.sheetRow, s.phase, s.title, s.plannedMinutes, s.estimated, s.predecessorRows])).toEqual([
      [1, 4, "Prepare", "Freeze changes", 15, true, []],
      [2, 5, "Prepare", "Back up the catalog", 30, true, [1]],
      [3, 6, "Cutover", "Stop the backup jobs", 45, true, [2]],
      [4, 7, "Cutover", "Tell the service desk", 20, true, [1]],
      [5, 8, "Cutover", "Check the media servers", 0, false, [4]],
    ]);
    expect(json.steps[0]).toEqual({
      row: 1,
      sheetRow: 4,
      id: "",
      phase: "Prepare",
      title: "Freeze changes",
      team: "",
      assignee: "",
      assigneeName: "",
      owner: "",
      plannedMinutes: 15,
      plannedTime: "",
      kind: "TASK",
      predecessorRows: [],
      predecessorFromRowOrder: false,
      estimated: true,
      warnings: [],
      errors: [],
    });
    expect(json.phases).toEqual([
      { title: "Prepare", stepCount: 2, plannedMinutes: 45, existing: false, windowGuess: "before", inWindow: false },
      { title: "Cutover", stepCount: 3, plannedMinutes: 65, existing: false, windowGuess: "inside", inWindow: true },
    ]);
    expect(json.errors).toEqual([]);
    expect(json.warnings).toEqual([{ row: 5, column: 'column "Duration"', message: expect.stringContaining('"TBD": not estimated') }]);
  });

  it("dry run of a file with a bad row: the preview names the row and nothing is written; the import itself is a 400 naming it", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Dry run bad", template: "empty" });
    const before = await snapshot(project.id);
    const bad = base64(await planWorkbook("forty"));
    const dry = await post(project.id, { fileName: "bad.xlsx", base64: bad, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json.canImport).toBe(false);
    expect(dry.json.errors).toEqual([{ row: 4, column: 'column "Duration"', message: expect.stringContaining('"forty" is not a duration') }]);
    expect(dry.json.steps[3].errors).toEqual([expect.stringContaining('"forty" is not a duration')]);
    const real = await post(project.id, { fileName: "bad.xlsx", base64: bad });
    expect(real.status).toBe(400);
    expect(real.json.error.fieldErrors).toEqual({ "rows.4": [expect.stringContaining('"forty" is not a duration')] });
    expect(await snapshot(project.id)).toEqual(before);
  });

  it("chooses the sheet asked for, and answers 400 with one message for a file that isn't a spreadsheet", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Refused files", template: "empty" });
    const before = await snapshot(project.id);
    const rtf = await post(project.id, { fileName: "plan.csv", base64: base64(new TextEncoder().encode("{\\rtf1\\ansi Step 1\\par}")), dryRun: true });
    expect(rtf.status).toBe(400);
    expect(rtf.json.error.message).toBe("This is an RTF document, not a spreadsheet. Open it in Word/Excel and save it as .xlsx or CSV.");
    const missing = await post(project.id, { fileName: "plan.xlsx", base64: base64(await planWorkbook()), sheet: "Plan B" });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toBe('The workbook has no sheet named "Plan B"; it has "Sheet1".');
    const both = await post(project.id, { fileName: "plan.csv", csv: "Task\nA", base64: "VGFzaw==" });
    expect(both.status).toBe(400);
    const neither = await post(project.id, { fileName: "plan.csv" });
    expect(neither.status).toBe(400);
    const notBase64 = await post(project.id, { fileName: "plan.xlsx", base64: "not base64!" });
    expect(notBase64.status).toBe(400);
    const unknownField = await post(project.id, { fileName: "plan.csv", csv: "Task\nA", preview: true });
    expect(unknownField.status).toBe(400);
    expect(await snapshot(project.id)).toEqual(before);
  });
});
