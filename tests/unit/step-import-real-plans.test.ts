/**
 * Plans in the shapes they really arrive in (tests/unit/fixtures/plan-*.csv): IDs and predecessors
 * with lags, owners by name, workstreams, start and end times, unknown kinds, phases before and
 * after the window, a rollback section, headerless columns.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runbookDocumentSchema } from "@/lib/templates/runbook-document";
import { defaultImportOptions, formatImportError, guessColumnMapping, parseCsv, stepImportOptionsSchema, validateStepImport, type StepImportOptions } from "@/lib/import/steps";
import { foldName, matchOwner } from "@/lib/import/owners";
import { guessPhaseWindow } from "@/lib/import/phase-window";
import { guessDateOrder, parsePlanTime, placePlanTimes } from "@/lib/import/plan-times";

const USERS = [
  { email: "olivia@example.test", name: "Olivia Novak" },
  { email: "ada@example.test", name: "Ada Lindqvist" },
  { email: "jose@example.test", name: "Jose Muller" },
  { email: "zoe@example.test", name: "Zoë Ó Briain" },
];

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
function importText(text: string, overrides: Partial<StepImportOptions> = {}, users = USERS) {
  const parsed = parseCsv(text);
  const options = { ...defaultImportOptions(parsed), ...overrides };
  // What the browser sends must pass the route's schema too.
  expect(stepImportOptionsSchema.safeParse(options).success).toBe(true);
  return { options, result: validateStepImport({ parsed, options, knownEmails: null, knownUsers: users }) };
}
const stepsOf = (result: ReturnType<typeof importText>["result"]) => new Map(result.document!.phases.flatMap((p) => p.steps).map((s) => [s.key, s]));

describe("an ERP mock-cutover export (IDs UK-1…, workstreams, owner names, lags, start and end)", () => {
  const { options, result } = importText(fixture("plan-erp-mock-cutover.csv"));

  it("maps ID, workstream as team, owner as assignee, start, end and type, and refers to predecessors by ID", () => {
    expect(options.mapping).toEqual({ id: 0, phase: 1, title: 2, team: 3, assignee: 4, predecessors: 5, start: 6, end: 7, kind: 8 });
    expect(options.predecessorsBy).toBe("id");
    expect(result.errors).toEqual([]);
    expect(runbookDocumentSchema.safeParse(result.document).success).toBe(true);
  });

  it("takes each duration from start to end, across midnight, and keeps the planned time in the details", () => {
    expect(result.rows.map((r) => r.plannedMinutes)).toEqual([30, 90, 15, 60, 90, 45, 15, 15, 240]);
    expect(result.rows.every((r) => r.estimated)).toBe(true);
    const steps = stepsOf(result);
    expect(steps.get("5")!.details).toBe("ID in the imported plan: UK-5\nPlanned time in the imported plan: 2026-12-05 23:30 → 2026-12-06 01:00");
    expect(result.rows[2].plannedTime).toBe("2026-12-05 22:00 → 22:15");
  });

  it("resolves UK-3FS+15m to row 3 with a real 15 min lag: in the document and the critical path, not as a note or a warning", () => {
    const steps = stepsOf(result);
    expect([...steps.values()].map((s) => s.predecessors)).toEqual([[], ["1"], ["2"], ["3"], ["4"], ["5"], ["6"], ["7"], ["8"]]);
    expect(steps.get("4")!.lags).toEqual({ "3": 15 });
    expect(steps.get("5")!.lags).toBeUndefined();
    expect(steps.get("4")!.details).not.toContain("Lag in the imported plan");
    expect(result.warnings.map(formatImportError).join("\n")).not.toContain("UK-3FS+15m");
    // 600 min of steps plus the 15 min lag on the chain.
    expect(result.totals.plannedMinutes).toBe(600);
    expect(result.totals.criticalPathMinutes).toBe(615);
  });

  it("imports start-to-start as finish-to-start with a warning naming the row and column", () => {
    expect(result.warnings.filter((w) => w.row === 9 && w.column === 'column "Predecessors"').map((w) => w.message)).toEqual([
      '"UK-8SS" is start-to-start; Runsheet has only finish-to-start, so this step waits for UK-8 to finish.',
    ]);
    expect(stepsOf(result).get("9")!.predecessors).toEqual(["8"]);
  });

  it("matches owners to users by name, 'Last, First' and without accents or case; unmatched names stay as owner text and are listed", () => {
    expect(result.assigneeEmails).toEqual({ "1": "olivia@example.test", "2": "ada@example.test", "3": "ada@example.test", "4": "jose@example.test", "5": "jose@example.test", "7": "olivia@example.test", "8": "ada@example.test" });
    expect(result.unmatchedOwners).toEqual([
      { owner: "Priya Raman", rows: [6], ambiguous: false },
      { owner: "Service Desk", rows: [9], ambiguous: false },
    ]);
    const steps = stepsOf(result);
    // The team column is filled, so the owner text goes to the details only.
    expect(steps.get("6")!.team).toBe("Finance");
    expect(steps.get("6")!.details).toContain("Owner in the imported plan: Priya Raman");
    expect(result.warnings.map(formatImportError)).toContain('Row 6, column "Owner": "Priya Raman" is not the name or email of an active user: not assigned; kept as owner text.');
  });

  it("imports the unknown kind 'Organizational' as a task with a warning, and Go/No-Go as a gate", () => {
    expect(result.rows.map((r) => r.kind)).toEqual(["TASK", "TASK", "TASK", "TASK", "TASK", "TASK", "GATE", "TASK", "TASK"]);
    expect(result.warnings.map(formatImportError)).toContain('Row 6, column "Type": "Organizational" is not a kind Runsheet knows (task, go/no-go gate, milestone, rollback): imported as a task.');
    expect(stepsOf(result).get("6")!.details).toContain("Kind in the imported plan: Organizational");
  });

  it("puts the phases before and after the window outside it, and forecasts only the cutover", () => {
    expect(result.phases.map((p) => [p.title, p.windowGuess, p.inWindow])).toEqual([
      ["(Before the Window)", "before", false],
      ["Cutover", "inside", true],
      ["(After Cutover)", "after", false],
      ["Hypercare", "after", false],
    ]);
    expect(result.document!.phases.map((p) => p.inWindow)).toEqual([false, true, false, false]);
    // UK-3 … UK-7: 15 + 15 (lag) + 60 + 90 + 45 + 15.
    expect(result.totals.windowCriticalPathMinutes).toBe(240);
  });

  it("switches a phase into the window from the preview, keyed by its title", () => {
    const { result: switched } = importText(fixture("plan-erp-mock-cutover.csv"), { phaseWindow: { "(Before the Window)": true } });
    expect(switched.phases[0]).toMatchObject({ windowGuess: "before", inWindow: true });
    expect(switched.document!.phases[0].inWindow).toBe(true);
    expect(switched.totals.windowCriticalPathMinutes).toBe(30 + 90 + 240);
  });
});

describe("an 11-step overnight move (Step 1…11, Description, owner names, no durations or predecessors)", () => {
  const { options, result } = importText(fixture("plan-overnight-move.csv"));

  it("takes the Step column of numbers as the ID and Description as the title", () => {
    expect(options.mapping).toEqual({ id: 0, title: 1, assignee: 2, details: 3 });
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.title)).toContain("Swap the DNS alias app to app-new");
  });

  it("chains the steps in row order across the blank line, so the forecast equals the total", () => {
    expect(result.rows.map((r) => [r.row, r.predecessorRows])).toEqual([
      [1, []], [2, [1]], [3, [2]], [4, [3]], [5, [4]], [7, [5]], [8, [7]], [9, [8]], [10, [9]], [11, [10]], [12, [11]],
    ]);
    expect(result.totals).toEqual({ plannedMinutes: 0, criticalPathMinutes: 0, windowCriticalPathMinutes: 0 });
    // The blank line shifts the rows: step 6 is on row 7, and its ID says so in the details.
    expect(stepsOf(result).get("7")!.details).toBe("ID in the imported plan: 6");
    expect(stepsOf(result).get("5")!.details).toBe("");
  });

  it("assigns the named people and keeps 'Unix team' as owner text in the empty team", () => {
    expect(Object.keys(result.assigneeEmails)).toHaveLength(9);
    expect(result.unmatchedOwners.map((o) => o.owner)).toEqual(["Unix team", "Network team"]);
    const copy = stepsOf(result).get("4")!;
    expect(copy.team).toBe("Unix team");
    expect(copy.details).toBe("rsync over the backup VLAN\n\nOwner in the imported plan: Unix team");
  });
});

describe("a server-migration checklist (Task ID, Responsible team, Organizational, time-only start and end)", () => {
  const { options, result } = importText(fixture("plan-server-migration-checklist.csv"));

  it("maps Task ID and Responsible team, and reads predecessors 'T-01;T-02' by ID", () => {
    expect(options.mapping).toMatchObject({ id: 0, phase: 1, title: 2, team: 3, kind: 4, plannedMinutes: 5, start: 6, end: 7, predecessors: 8 });
    expect(options.predecessorsBy).toBe("id");
    expect(result.errors).toEqual([]);
    expect(stepsOf(result).get("3")!.predecessors).toEqual(["1", "2"]);
  });

  it("takes a blank duration from start and end, crossing midnight (22:05 → 01:35 is 3 h 30 min)", () => {
    expect(result.rows.map((r) => r.plannedMinutes)).toEqual([20, 10, 5, 210, 10, 15, 0]);
    expect(result.rows[3].plannedTime).toBe("22:05 → 01:35 (next day)");
    expect(stepsOf(result).get("4")!.details).toContain("Planned clock time in the imported plan: 22:05 → 01:35 (next day)");
    // Only the row with neither a duration nor times is not estimated.
    expect(result.warnings.filter((w) => /not estimated/.test(w.message)).map((w) => w.row)).toEqual([7]);
  });

  it("imports the unknown kinds as tasks, one warning per row, and the Gate as a gate", () => {
    expect(result.warnings.filter((w) => w.column === 'column "Kind"').map((w) => w.row)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(result.rows[5].kind).toBe("GATE");
  });

  it("guesses pre- and post-migration phases as outside the window", () => {
    expect(result.phases.map((p) => [p.title, p.inWindow])).toEqual([
      ["Pre-migration checks", false],
      ["Migration", true],
      ["Post-migration", false],
    ]);
    expect(result.totals.windowCriticalPathMinutes).toBe(5 + 210 + 10 + 15);
  });
});

describe("an ISP cutover with a rollback section (semicolons, #, Group, a headerless column, accents, 'Last, First')", () => {
  const { options, result } = importText(fixture("plan-isp-cutover.csv"));

  it("maps # as the ID and Group as the phase, and matches names with and without accents", () => {
    expect(options.mapping).toEqual({ id: 0, phase: 1, title: 2, assignee: 3, plannedMinutes: 4, predecessors: 6 });
    expect(result.errors).toEqual([]);
    expect(result.assigneeEmails).toEqual({ "1": "zoe@example.test", "2": "ada@example.test", "4": "zoe@example.test", "5": "ada@example.test", "6": "jose@example.test", "7": "zoe@example.test", "8": "ada@example.test" });
  });

  it("makes the steps of the rollback section rollback steps, chained among themselves", () => {
    expect(result.rows.map((r) => [r.row, r.kind, r.predecessorRows])).toEqual([
      [1, "TASK", []],
      [2, "TASK", [1]],
      [4, "TASK", [2]],
      [5, "TASK", [4]],
      [6, "TASK", [5]],
      [7, "ROLLBACK", []],
      [8, "ROLLBACK", [7]],
    ]);
    expect(result.totals).toEqual({ plannedMinutes: 105, criticalPathMinutes: 80, windowCriticalPathMinutes: 55 });
  });

  it("says the column without a header holds values and offers to ignore it, without shifting any cell", () => {
    expect(result.headerless).toEqual([{ index: 5, label: "Column 6 (no header)", rows: [1, 6], beyondHeader: false, ignored: false }]);
    expect(result.warnings.map(formatImportError)).toContain("Column 6 (no header): has values (rows 1, 6) but no header: choose it for a field above, or ignore it.");
    expect(result.rows[0].plannedMinutes).toBe(15);
    const ignored = importText(fixture("plan-isp-cutover.csv"), { ignoreColumns: [5] }).result;
    expect(ignored.warnings.some((w) => /no header/.test(w.message))).toBe(false);
    expect(ignored.headerless[0].ignored).toBe(true);
    // Mapped instead, it is the details.
    const mapped = importText(fixture("plan-isp-cutover.csv"), { mapping: { ...options.mapping, details: 5 } }).result;
    expect(stepsOf(mapped).get("1")!.details).toBe("ticket CHG-1182");
  });
});

describe("cells beyond the header", () => {
  const text = "Title,Minutes\nStop the service,5\nCopy the data,30,see runbook p. 4\nStart the service,5";

  it("says column N has no header on the row, and imports after the column is ignored", () => {
    const { result } = importText(text);
    expect(result.document).toBeNull();
    expect(result.errors.map(formatImportError)).toEqual([
      'Row 2, column 3 (no header): Column 3 has no header, but this row has "see runbook p. 4" in it. Ignore column 3 if it holds nothing to import; if a value in this row contains ",", put it in double quotes.',
    ]);
    expect(result.headerless).toEqual([{ index: 2, label: "Column 3 (no header)", rows: [2], beyondHeader: true, ignored: false }]);
    const fixed = importText(text, { ignoreColumns: [2] }).result;
    expect(fixed.errors).toEqual([]);
    expect(fixed.warnings.map(formatImportError)).toEqual(["Column 3 (no header): is ignored: its values in row 2 are not imported."]);
    expect(fixed.document!.phases[0].steps.map((s) => [s.title, s.plannedMinutes])).toEqual([
      ["Stop the service", 5],
      ["Copy the data", 30],
      ["Start the service", 5],
    ]);
  });
});

describe("columns: ID or title by the values", () => {
  it("takes an Activity column of codes as the ID and Description as the title", () => {
    const parsed = parseCsv("Activity,Description,Responsible\nUK-1,Freeze the ERP,Basis\nUK-2,Export the ledger,Finance");
    expect(guessColumnMapping(parsed.headers, parsed.records)).toEqual({ id: 0, title: 1, assignee: 2 });
  });

  it("keeps an Activity or Step column of words as the title", () => {
    const parsed = parseCsv("Step,Activity ID,Notes\nStop the service,A-1,\nCopy the data,A-2,");
    expect(guessColumnMapping(parsed.headers, parsed.records)).toEqual({ title: 0, id: 1, details: 2 });
  });

  it("takes Phase before Group and Group before Workstream; workstream, host and responsible team are teams", () => {
    expect(guessColumnMapping(["Phase", "Group", "Task"])).toEqual({ phase: 0, title: 2, team: 1 });
    expect(guessColumnMapping(["Group", "Workstream", "Task"])).toEqual({ phase: 0, team: 1, title: 2 });
    expect(guessColumnMapping(["Task", "Host"])).toEqual({ title: 0, team: 1 });
    expect(guessColumnMapping(["Task", "Responsible team", "Responsible"])).toEqual({ title: 0, team: 1, assignee: 2 });
    expect(guessColumnMapping(["Task", "Planned start", "Planned finish"])).toEqual({ title: 0, start: 1, end: 2 });
    expect(guessColumnMapping(["Task", "Begin", "Finish", "Owner"])).toEqual({ title: 0, start: 1, end: 2, assignee: 3 });
  });

  it("refuses duplicate IDs when predecessors refer to them, naming both rows and the column", () => {
    const { result } = importText("ID,Task,Predecessors\nA-1,Stop,\nA-1,Copy,\nA-2,Start,A-1");
    expect(result.errors.map(formatImportError)).toEqual([
      'Row 1, column "ID": The ID "A-1" is also on row 2; predecessors refer to IDs, so IDs must be unique.',
      'Row 2, column "ID": The ID "A-1" is also on row 1; predecessors refer to IDs, so IDs must be unique.',
    ]);
  });

  it("names an unknown ID and a lag that is not a duration", () => {
    const { result } = importText("ID,Task,Minutes,Predecessors\nUK-1,Stop,5,\nUK-2,Copy,5,UK-9\nUK-3,Start,5,UK-2FS+soon");
    expect(result.errors.map(formatImportError)).toEqual([
      'Row 2, column "Predecessors": Unknown predecessor: no step has the ID "UK-9".',
      'Row 3, column "Predecessors": Unknown predecessor: no step has the ID "UK-2FS+soon".',
    ]);
  });

  it("counts a lag in hours by row number, and refuses a lead as a lag", () => {
    const { result } = importText("Task,Minutes,Predecessors\nStop,10,\nCopy,20,1FS+1h\nStart,5,2FS-10m", { predecessorsBy: "row" });
    expect(result.errors).toEqual([]);
    expect(result.totals.criticalPathMinutes).toBe(10 + 60 + 20 + 5);
    expect(result.warnings.filter((w) => w.row === 3).map((w) => w.message)).toEqual([
      '"2FS-10m" has a lead (a negative lag) of 10 min, which Runsheet can\'t represent: this step waits for row 2 to finish.',
    ]);
  });
});

describe("owners by name", () => {
  it("doesn't guess between two users of the same name, and says so", () => {
    const users = [...USERS, { email: "ada.l@example.test", name: "ada lindqvist" }];
    const { result } = importText("Task,Owner\nStop,Ada Lindqvist\nCopy,ada@example.test", {}, users);
    expect(result.assigneeEmails).toEqual({ "2": "ada@example.test" });
    expect(result.unmatchedOwners).toEqual([{ owner: "Ada Lindqvist", rows: [1], ambiguous: true }]);
    expect(result.warnings.filter((w) => w.row !== null).map(formatImportError)).toEqual([
      'Row 1, column "Owner": "Ada Lindqvist" could be Ada Lindqvist (ada@example.test) or ada lindqvist (ada.l@example.test): not assigned; kept as owner text. Write the email to choose.',
    ]);
  });

  it("matches case- and accent-insensitively, 'Last, First', with a role in brackets, and by email", () => {
    expect(matchOwner("ZOE O'BRIAIN", [{ email: "z@x.test", name: "Zoë O’Briain" }])).toMatchObject({ kind: "user" });
    expect(matchOwner("Ó Briain, Zoë", USERS)).toEqual({ kind: "user", user: USERS[3] });
    expect(matchOwner("Ada Lindqvist (DBA)", USERS)).toEqual({ kind: "user", user: USERS[1] });
    expect(matchOwner("OLIVIA@example.test", USERS)).toEqual({ kind: "user", user: USERS[0] });
    expect(matchOwner("Ada", USERS)).toEqual({ kind: "none" });
    expect(foldName("  José   Müller ")).toBe("jose muller");
  });
});

describe("phases before, inside and after the window", () => {
  it.each([
    ["(Before the Window)", "before"],
    ["Preparation", "before"],
    ["Pre-cutover checks", "before"],
    ["Prep work", "before"],
    ["Cutover", "inside"],
    ["Migration", "inside"],
    ["Rollback", "inside"],
    ["Present the results", "inside"],
    ["(After Cutover)", "after"],
    ["Post-migration", "after"],
    ["Hypercare", "after"],
  ] as const)("%s → %s", (title, guess) => {
    expect(guessPhaseWindow(title)).toBe(guess);
  });
});

describe("start and end date-times", () => {
  const at = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)), Number(iso.slice(11, 13)), Number(iso.slice(14, 16))) / 60_000;

  it.each([
    ["2026-12-05 22:00", "dayFirst", "2026-12-05T22:00"],
    ["2026-12-05T22:00:00", "dayFirst", "2026-12-05T22:00"],
    ["05/12/2026 22:00", "dayFirst", "2026-12-05T22:00"],
    ["12/05/2026 22:00", "monthFirst", "2026-12-05T22:00"],
    ["5.12.2026 22:00", "monthFirst", "2026-12-05T22:00"],
    ["Sat 12/5/26 10:00 PM", "monthFirst", "2026-12-05T22:00"],
    ["5 Dec 2026 22:00", "dayFirst", "2026-12-05T22:00"],
    ["Dec 5, 2026 10:00 pm", "dayFirst", "2026-12-05T22:00"],
  ] as const)("%s (%s) → %s", (raw, order, iso) => {
    expect(parsePlanTime(raw, order)).toEqual({ ok: true, value: { kind: "datetime", minutes: at(iso) } });
  });

  it("reads a time of day, a blank cell and refuses what is no date", () => {
    expect(parsePlanTime("22:00", "dayFirst")).toEqual({ ok: true, value: { kind: "time", minuteOfDay: 1320 } });
    expect(parsePlanTime("7:05 am", "dayFirst")).toEqual({ ok: true, value: { kind: "time", minuteOfDay: 425 } });
    expect(parsePlanTime("", "dayFirst")).toEqual({ ok: true, value: null });
    expect(parsePlanTime("31/02/2026 10:00", "dayFirst")).toMatchObject({ ok: false });
    expect(parsePlanTime("25:00", "dayFirst")).toMatchObject({ ok: false });
    expect(parsePlanTime("soon", "dayFirst")).toMatchObject({ ok: false, message: expect.stringContaining('"soon" is not a date and time') });
  });

  it("guesses day first or month first from the values", () => {
    expect(guessDateOrder(["05/12/2026 22:00", "13/12/2026 01:00"])).toEqual({ order: "dayFirst", ambiguous: false });
    expect(guessDateOrder(["12/05/2026 22:00", "12/13/2026 01:00"])).toEqual({ order: "monthFirst", ambiguous: false });
    expect(guessDateOrder(["05/12/2026 22:00"])).toEqual({ order: "dayFirst", ambiguous: true });
    expect(guessDateOrder(["12/5/26 10:00 PM"])).toEqual({ order: "monthFirst", ambiguous: true });
    expect(guessDateOrder(["2026-12-05 22:00"])).toEqual({ order: "dayFirst", ambiguous: false });
  });

  it("places times of day on the same night, crossing midnight, without moving a parallel step to the next day", () => {
    const t = (hhmm: string) => ({ kind: "time" as const, minuteOfDay: Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)) });
    const placed = placePlanTimes([
      { start: t("23:00"), end: t("23:30") },
      { start: t("22:30"), end: t("23:15") },
      { start: t("23:30"), end: t("00:15") },
      { start: t("00:15"), end: t("01:00") },
    ]);
    expect(placed.map((p) => [p.start, p.end])).toEqual([
      [1380, 1410],
      [1350, 1395],
      [1410, 1455],
      [1455, 1500],
    ]);
    expect(placed[2].endNextDay).toBe(true);
  });

  it("takes the duration from start and end with day-first dates, warns that the order was a guess, and refuses an end before the start", () => {
    const text = "Task,Start,End\nStop,05/12/2026 22:00,05/12/2026 22:45\nCopy,05/12/2026 22:45,06/12/2026 00:15\nStart,06/12/2026 00:15,06/12/2026 00:10";
    const { options, result } = importText(text);
    // The values can't tell, so the option stays unset (the preview's select shows the reading) and a warning says so.
    expect(options.dateOrder).toBeUndefined();
    expect(result.rows.map((r) => r.plannedMinutes)).toEqual([45, 90, 0]);
    expect(result.errors.map(formatImportError)).toEqual(['Row 3, column "End": The step ends (2026-12-06 00:10) before it starts (2026-12-06 00:15).']);
    expect(result.warnings.map(formatImportError)).toContain('Column "Start": Dates such as 05/12/2026 could be day first or month first; read as day first (5 December). Check it above.');
    // Month first, the same cells are May and June: 06/12 − 05/12 is a month, too long for a step.
    const monthFirst = importText(text, { dateOrder: "monthFirst" }).result;
    expect(monthFirst.warnings.some((w) => /day first or month first/.test(w.message))).toBe(false);
    expect(monthFirst.errors.find((e) => e.row === 2)!.message).toMatch(/a step is at most 1440 minutes/);
  });

  it("keeps the duration column when it disagrees with start and end, and says so", () => {
    const { result } = importText("Task,Duration,Start,End\nCopy,30,22:00,23:00");
    expect(result.rows[0].plannedMinutes).toBe(30);
    expect(result.warnings.map(formatImportError)).toEqual(['Row 1, column "Duration": It says 30 min, but from start to end is 60 min: the duration column is used.']);
  });
});
