import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/platform/graph";
import { runbookDocumentSchema } from "@/lib/templates/runbook-document";
import {
  decodeCsvBytes,
  defaultImportOptions,
  formatImportError,
  guessColumnMapping,
  parseCsv,
  NOT_ESTIMATED_MINUTES,
  parseDuration,
  parsePlannedDuration,
  parseKind,
  validateStepImport,
  type StepImportOptions,
} from "@/lib/import/steps";

const USERS = ["olivia@example.test", "Ada@Example.test"];

/** Parse, guess the mapping, validate: what the preview shows for `csv`. */
function importCsv(csv: string, overrides: Partial<StepImportOptions> = {}, extra: { knownEmails?: string[] | null; existingPhaseTitles?: string[] } = {}) {
  const parsed = parseCsv(csv);
  const options = { ...defaultImportOptions(parsed), ...overrides };
  return validateStepImport({ parsed, options, knownEmails: extra.knownEmails === undefined ? USERS : extra.knownEmails, existingPhaseTitles: extra.existingPhaseTitles });
}

const rowsWithErrors = (result: ReturnType<typeof importCsv>) => [...new Set(result.errors.map((e) => e.row))];

const GOOD = [
  "Phase,Title,Details,Team,Assignee,Minutes,Predecessors",
  "Cutover,Deactivate the policies,bpplinfo <policy> -modify -inactive,BA,olivia@example.test,30,",
  "Cutover,Final catalog backup,,BA,,45,1",
  "Cutover,Stop NetBackup,,BA,ADA@example.test,10,2",
  "Cutover,Copy /usr/openv,,OS+BA,,150,3",
  "Resume,Reactivate the policies,,BA,,10,\"3, 4\"",
].join("\n");

describe("guessColumnMapping", () => {
  it("maps common header names from Excel and Smartsheet exports", () => {
    expect(guessColumnMapping(["Phase", "Task Name", "Description", "Team", "Assigned To", "Duration", "Predecessors"])).toEqual({
      phase: 0,
      title: 1,
      details: 2,
      team: 3,
      assignee: 4,
      plannedMinutes: 5,
      predecessors: 6,
    });
  });

  it("uses looser clues for decorated headers and never maps a column twice", () => {
    expect(guessColumnMapping(["Step title", "Duration (min)", "Owner e-mail", "Depends on", "How to verify", "Commands"])).toEqual({
      title: 0,
      plannedMinutes: 1,
      assignee: 2,
      predecessors: 3,
      verification: 4,
      commands: 5,
    });
    expect(guessColumnMapping(["Title", "Name"])).toEqual({ title: 0 });
  });

  it("leaves unknown headers unmapped", () => {
    expect(guessColumnMapping(["Foo", "Bar"])).toEqual({});
  });
});

describe("validateStepImport: a good file", () => {
  const result = importCsv(GOOD);

  it("has no errors and yields a valid runbook document", () => {
    expect(result.errors).toEqual([]);
    expect(runbookDocumentSchema.safeParse(result.document).success).toBe(true);
  });

  it("groups rows into phases in order, keyed by row number, with predecessors as keys", () => {
    const doc = result.document!;
    expect(doc.phases.map((p) => [p.title, p.steps.map((s) => s.key)])).toEqual([
      ["Cutover", ["1", "2", "3", "4"]],
      ["Resume", ["5"]],
    ]);
    expect(doc.phases[1].steps[0]).toMatchObject({ title: "Reactivate the policies", plannedMinutes: 10, team: "BA", kind: "TASK", predecessors: ["3", "4"] });
    expect(doc.phases[0].steps[0].details).toBe("bpplinfo <policy> -modify -inactive");
  });

  it("returns the assignee emails by step key, lower-cased", () => {
    expect(result.assigneeEmails).toEqual({ "1": "olivia@example.test", "3": "ada@example.test" });
  });

  it("summarises the phases, marking those that already exist in the project", () => {
    const withExisting = importCsv(GOOD, {}, { existingPhaseTitles: ["  cutover "] });
    expect(withExisting.phases).toEqual([
      { title: "Cutover", stepCount: 4, plannedMinutes: 235, existing: true, windowGuess: "inside", inWindow: true },
      { title: "Resume", stepCount: 1, plannedMinutes: 10, existing: false, windowGuess: "inside", inWindow: true },
    ]);
  });

  it("fills an empty phase cell from the row above, and uses a default phase before any is named", () => {
    const r = importCsv("Phase,Title,Minutes\n,First,5\nPrep,Second,5\n,Third,5\nprep,Fourth,5");
    expect(r.errors).toEqual([]);
    expect(r.document!.phases.map((p) => [p.title, p.steps.map((s) => s.title)])).toEqual([
      ["Imported steps", ["First"]],
      ["Prep", ["Second", "Third", "Fourth"]],
    ]);
  });
});

describe("validateStepImport: bad rows", () => {
  it("names the row with an empty title and imports nothing", () => {
    const r = importCsv("Title,Minutes\nA,5\n   ,10\nC,5");
    expect(r.document).toBeNull();
    expect(r.errors).toEqual([{ row: 2, column: 'column "Title"', message: "The title is empty." }]);
    expect(formatImportError(r.errors[0])).toBe('Row 2, column "Title": The title is empty.');
  });

  it("rejects bad minutes with a reason per row (a blank one is a warning, not an error)", () => {
    const r = importCsv("Title,Minutes\nA,abc\nB,-5\nC,1.5\nD,2d\nE,1441\nF,\nG,1:30:15");
    expect(r.document).toBeNull();
    expect(rowsWithErrors(r)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(r.warnings).toEqual([{ row: 6, column: 'column "Minutes"', message: "No planned duration: not estimated, imported as 0 min; set the duration before relying on the forecast." }]);
    expect(r.errors.every((e) => e.column === 'column "Minutes"')).toBe(true);
    expect(r.errors[0].message).toMatch(/"abc" is not a duration/);
    expect(r.errors[1].message).toMatch(/negative/);
    expect(r.errors[2].message).toMatch(/whole number of minutes/);
    expect(r.errors[3].message).toMatch(/days or weeks/);
    expect(r.errors[4].message).toMatch(/longer than 1440 minutes/);
    expect(r.errors[5].message).toMatch(/seconds/);
  });

  it("names unknown predecessors by row number", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,5,\nB,5,1\nC,5,9");
    expect(r.document).toBeNull();
    expect(r.errors).toEqual([{ row: 3, column: 'column "Predecessors"', message: "Unknown predecessor: there is no row 9 in the file." }]);
  });

  it("rejects predecessors that aren't row numbers, point at a blank row, or carry a lag in days", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,5,\n,,\nB,5,2\nC,5,abc\nD,5,1SS\nE,5,1FS +2d\nF,5,1FS", { predecessorsBy: "row" });
    expect(r.errors.map(formatImportError)).toEqual([
      'Row 3, column "Predecessors": The predecessor row 2 is a blank row.',
      'Row 4, column "Predecessors": The predecessor "abc" is not a row number.',
      'Row 6, column "Predecessors": The lag in "1FS +2d" is in days or weeks; give minutes or hours (a cutover step is measured in clock time).',
    ]);
    // Start-to-start is imported as finish-to-start, with a warning that says so.
    expect(r.warnings.filter((w) => w.row === 5).map(formatImportError)).toEqual([
      'Row 5, column "Predecessors": "1SS" is start-to-start; Runsheet has only finish-to-start, so this step waits for row 1 to finish.',
    ]);
  });

  it("resolves spreadsheet row numbers (header = row 1) when asked", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,5,\nB,5,2\nC,5,3", { predecessorsBy: "sheetRow" });
    expect(r.errors).toEqual([]);
    expect(r.document!.phases[0].steps.map((s) => s.predecessors)).toEqual([[], ["1"], ["2"]]);
    const bad = importCsv("Title,Minutes,Predecessors\nA,5,\nB,5,1", { predecessorsBy: "sheetRow" });
    expect(bad.errors.map(formatImportError)).toEqual(['Row 2, column "Predecessors": The predecessor spreadsheet row 1 is the header or above it.']);
  });

  it("resolves predecessors by title, case- and space-insensitively, including titles with commas", () => {
    const r = importCsv('Title,Minutes,After\nZone the SAN, cable SCSI,5,\n"Zone the SAN, cable SCSI",5,\nStop  NetBackup,5,\nCopy,5,"stop netbackup; Zone the SAN, cable SCSI"', { predecessorsBy: "title" });
    // Row 1 has an unquoted comma: 4 fields under a 3-column header.
    expect(rowsWithErrors(r)).toEqual([1]);
    const fixed = importCsv('Title,Minutes,After\n"Zone the SAN, cable SCSI",5,\nStop  NetBackup,5,\nCopy,5,"stop netbackup; Zone the SAN, cable SCSI"', { predecessorsBy: "title" });
    expect(fixed.errors).toEqual([]);
    expect(fixed.document!.phases[0].steps[2].predecessors).toEqual(["2", "1"]);
  });

  it("rejects duplicate titles when predecessors are by title, naming both rows", () => {
    const r = importCsv("Title,Minutes,After\nStop NetBackup,5,\nCopy,5,Stop NetBackup\nstop netbackup,5,", { predecessorsBy: "title" });
    expect(r.document).toBeNull();
    expect(r.errors.map(formatImportError)).toEqual([
      'Row 1, column "Title": The title "Stop NetBackup" is also on row 3; predecessors are given by title, so titles must be unique.',
      'Row 3, column "Title": The title "stop netbackup" is also on row 1; predecessors are given by title, so titles must be unique.',
    ]);
    // By row number, the same titles are fine.
    expect(importCsv("Title,Minutes,After\nStop NetBackup,5,\nCopy,5,1\nstop netbackup,5,", { predecessorsBy: "row" }).errors).toEqual([]);
  });

  it("names unknown titles", () => {
    const r = importCsv("Title,Minutes,After\nA,5,\nB,5,Nope", { predecessorsBy: "title" });
    expect(r.errors).toEqual([{ row: 2, column: 'column "After"', message: 'Unknown predecessor: no step is titled "Nope".' }]);
  });

  it("finds cycles with lib/platform/graph.ts and reports every row on them", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,5,3\nB,5,1\nC,5,2\nD,5,");
    expect(r.document).toBeNull();
    expect(rowsWithErrors(r)).toEqual([1, 2, 3]);
    expect(r.errors[0].message).toMatch(/^The predecessors form a cycle: row \d → row \d → row \d → row \d\.$/);
    // The same check lib/platform/graph.ts does, for the record.
    expect(findCycle(new Map([["1", ["3"]], ["2", ["1"]], ["3", ["2"]]]))).not.toBeNull();
    expect(importCsv("Title,Minutes,Predecessors\nA,5,1").errors).toEqual([{ row: 1, column: 'column "Predecessors"', message: "A step can't be its own predecessor." }]);
  });

  it("rejects an unknown or malformed assignee email", () => {
    const r = importCsv("Title,Minutes,Assignee\nA,5,nobody@example.test\nB,5,olivia@@example.test\nC,5,OLIVIA@example.test");
    expect(r.errors.map(formatImportError)).toEqual([
      'Row 1, column "Assignee": No active user has the email "nobody@example.test".',
      'Row 2, column "Assignee": The assignee "olivia@@example.test" is not an email address.',
    ]);
    // Without a user list (not on the server) only the format is checked.
    expect(importCsv("Title,Minutes,Assignee\nA,5,nobody@example.test", {}, { knownEmails: null }).errors).toEqual([]);
  });

  it("imports an unknown kind as a task with a warning, and accepts gate, milestone and rollback words", () => {
    const r = importCsv("Title,Minutes,Type\nA,5,Go/No-Go\nB,5,Milestone\nC,5,rollback\nD,5,\nE,5,banana");
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([{ row: 5, column: 'column "Type"', message: '"banana" is not a kind Runsheet knows (task, go/no-go gate, milestone, rollback): imported as a task.' }]);
    expect(r.document!.phases[0].steps.map((s) => s.kind)).toEqual(["GATE", "MILESTONE", "ROLLBACK", "TASK", "TASK"]);
    expect(r.document!.phases[0].steps[4].details).toBe("Kind in the imported plan: banana");
    expect(parseKind("GATE")).toBe("GATE");
    expect(parseKind("Back-out")).toBe("ROLLBACK");
  });

  it("rejects a row with more fields than the header (an unquoted separator) and an unclosed quote", () => {
    const r = importCsv('Title,Minutes\nA,5,extra\nB,5\n"C,5');
    expect(rowsWithErrors(r)).toEqual([1, 3]);
    expect(formatImportError(r.errors[0])).toBe('Row 1, column 3 (no header): Column 3 has no header, but this row has "extra" in it. Ignore column 3 if it holds nothing to import; if a value in this row contains ",", put it in double quotes.');
    expect(r.errors.some((e) => e.row === 3 && /quoted value is not closed/.test(e.message))).toBe(true);
  });

  it("requires the title column to be mapped, and each column once", () => {
    const parsed = parseCsv("Title,Minutes\nA,5");
    const missing = validateStepImport({ parsed, options: { mapping: { plannedMinutes: 1 }, predecessorsBy: "row", durationUnit: "minutes" }, knownEmails: [] });
    expect(missing.errors).toEqual([{ row: null, message: "Choose the column that holds the title." }]);
    const twice = validateStepImport({ parsed, options: { mapping: { title: 0, plannedMinutes: 1, details: 0 }, predecessorsBy: "row", durationUnit: "minutes" }, knownEmails: [] });
    expect(twice.errors).toEqual([{ row: null, message: 'The column "Title" is mapped to Title and Details; map each column once.' }]);
  });

  it("reports a file with a header and no steps", () => {
    expect(importCsv("Title,Minutes\n\n").errors).toEqual([{ row: null, message: "There are no steps under the header." }]);
    expect(importCsv("").errors).toEqual([{ row: null, message: "The file is empty." }, { row: null, message: "Choose the column that holds the title." }]);
  });
});

describe("encoding", () => {
  it("strips a UTF-8 BOM so the first header is still recognised", () => {
    const r = importCsv("\uFEFFTitle,Minutes\nÜberprüfen,5");
    expect(parseCsv("\uFEFFTitle,Minutes\nA,5").headers).toEqual(["Title", "Minutes"]);
    expect(r.errors).toEqual([]);
    expect(r.document!.phases[0].steps[0].title).toBe("Überprüfen");
  });

  it("decodes a UTF-8 file with a BOM, UTF-16LE with a BOM (Excel 'Unicode text') and plain UTF-8", () => {
    const text = "Title,Minutes\nÜberprüfen,5\n";
    const utf8 = new TextEncoder().encode(text);
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toEqual({ text, encoding: "utf-8", invalidBytes: false });
    expect(decodeCsvBytes(utf8)).toEqual({ text, encoding: "utf-8", invalidBytes: false });
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2);
    expect(decodeCsvBytes(utf16)).toEqual({ text, encoding: "utf-16le", invalidBytes: false });
  });

  it("flags Windows-1252 bytes read as UTF-8 (U+FFFD) on the row that holds them, and re-reads them on request", () => {
    // "Prüfen" in Windows-1252: ü = 0xFC, not valid UTF-8.
    const bytes = new Uint8Array([...new TextEncoder().encode("Title,Minutes\nA,5\nPr"), 0xfc, ...new TextEncoder().encode("fen,5\n")]);
    const decoded = decodeCsvBytes(bytes);
    expect(decoded.invalidBytes).toBe(true);
    expect(decoded.text).toContain("\uFFFD");
    const r = importCsv(decoded.text);
    expect(r.document).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].row).toBe(2);
    expect(r.errors[0].message).toMatch(/could not be decoded/);
    const reread = decodeCsvBytes(bytes, "windows-1252");
    expect(importCsv(reread.text).document!.phases[0].steps[1].title).toBe("Prüfen");
  });

  it("flags U+FFFD in the header, NUL characters and UTF-8 read as Windows-1252", () => {
    expect(importCsv("Ti\uFFFDle,Minutes\nA,5").errors[0]).toMatchObject({ row: null, message: expect.stringMatching(/^The header row: contains characters that could not be decoded/) });
    expect(importCsv("Title,Minutes\nA\u0000,5").errors[0]).toMatchObject({ row: 1, message: expect.stringMatching(/NUL characters/) });
    expect(importCsv("Title,Minutes\nÃœberprÃ¼fen,5").errors[0]).toMatchObject({ row: 1, message: expect.stringMatching(/wrong encoding/) });
  });

  it("handles CRLF line ends, semicolons (European Excel) and tabs (pasted cells)", () => {
    expect(importCsv("Title;Minutes\r\nA;5\r\nB;1,5\r\n", { durationUnit: "hours" }).document!.phases[0].steps.map((s) => s.plannedMinutes)).toEqual([300, 90]);
    expect(importCsv("Title\tMinutes\nA\t5\n").document!.phases[0].steps[0].plannedMinutes).toBe(5);
  });
});

describe("parseDuration", () => {
  it.each([
    ["45", 45],
    ["45 min", 45],
    ["90m", 90],
    ["1:30", 90],
    ["01:30:00", 90],
    ["1h 30m", 90],
    ["1.5h", 90],
    ["2 hours", 120],
    ["0", 0],
    ["~30m", 30],
  ])("%s → %i minutes", (raw, minutes) => {
    expect(parseDuration(raw, "minutes")).toEqual({ ok: true, minutes });
  });

  it("treats bare numbers as hours when the column is in hours", () => {
    expect(parseDuration("1.5", "hours")).toEqual({ ok: true, minutes: 90 });
    expect(parseDuration("45m", "hours")).toEqual({ ok: true, minutes: 45 });
  });

  it("guesses hours from the header", () => {
    const parsed = parseCsv("Title,Duration (hours)\nA,2");
    expect(defaultImportOptions(parsed).durationUnit).toBe("hours");
  });

  it("guesses predecessors by title when the column holds titles", () => {
    expect(defaultImportOptions(parseCsv("Title,Minutes,Predecessors\nA,5,\nB,5,A")).predecessorsBy).toBe("title");
    expect(defaultImportOptions(parseCsv("Title,Minutes,Predecessors\nA,5,\nB,5,1FS")).predecessorsBy).toBe("row");
  });
});

// Plans in the shape they really arrive in: an ID column first, owners by name, order by row,
// no predecessor column, durations as people type them (or none at all).
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");
/** Owners are names, not emails: matching names to users is a separate item, so the owner column is left unmapped here. */
function importPlan(name: string, overrides: Partial<StepImportOptions> = {}) {
  const parsed = parseCsv(fixture(name));
  const guessed = defaultImportOptions(parsed);
  return validateStepImport({ parsed, options: { ...guessed, mapping: { ...guessed.mapping, assignee: null }, ...overrides }, knownEmails: USERS });
}

describe("parsePlannedDuration", () => {
  it.each([
    ["2h30m", 150],
    ["1h30", 90],
    ["1:30 h", 90],
    ["1:30", 90],
    ["90 min.", 90],
    ["90", 90],
    ["1.5h", 90],
    ["2 hrs", 120],
    ["45m", 45],
  ])("%s → %i minutes, no warning", (raw, minutes) => {
    expect(parsePlannedDuration(raw)).toEqual({ ok: true, minutes, estimated: true, warning: null, original: null });
  });

  it.each([
    ["5-10 min", 10],
    ["20-30", 30],
    ["1–2 h", 120],
    ["5 to 10 min", 10],
  ])("range %s → the upper bound, %i minutes, keeping the text", (raw, minutes) => {
    expect(parsePlannedDuration(raw)).toEqual({ ok: true, minutes, estimated: true, warning: expect.stringContaining("is a range: imported as the upper bound"), original: raw });
  });

  it.each([
    ["3h+", 180],
    ["3h+?", 180],
    ["45?", 45],
  ])("open-ended %s → %i minutes with a warning", (raw, minutes) => {
    expect(parsePlannedDuration(raw)).toEqual({ ok: true, minutes, estimated: true, warning: expect.stringContaining("open-ended or uncertain"), original: raw });
  });

  it.each(["", "  ", "TBD", "tbd", "?", "n/a", "N/A"])("%j → not estimated, 0 minutes, with a warning", (raw) => {
    const result = parsePlannedDuration(raw);
    expect(result).toMatchObject({ ok: true, minutes: NOT_ESTIMATED_MINUTES, estimated: false });
    expect(result.ok && result.warning).toMatch(/not estimated, imported as 0 min/);
  });

  it("still refuses what is not a duration, a backwards range and days", () => {
    expect(parsePlannedDuration("forty")).toMatchObject({ ok: false, message: expect.stringContaining('"forty" is not a duration') });
    expect(parsePlannedDuration("30-20")).toMatchObject({ ok: false });
    expect(parsePlannedDuration("-5")).toMatchObject({ ok: false, message: expect.stringContaining("negative") });
    expect(parsePlannedDuration("1 day")).toMatchObject({ ok: false, message: expect.stringContaining("days or weeks") });
  });
});

describe("a real plan without a duration column, ordered by row", () => {
  const result = importPlan("plan-master-move-no-durations.csv");

  it("imports every step as not estimated, with one warning instead of an error", () => {
    expect(result.errors).toEqual([]);
    expect(result.document).not.toBeNull();
    expect(result.warnings).toEqual([{ row: null, message: "No column holds the planned duration: all 11 steps are imported as not estimated (0 min); set their durations before relying on the forecast." }]);
    expect(result.rows.every((r) => r.plannedMinutes === 0 && !r.estimated)).toBe(true);
  });

  it("chains the steps in row order, across phases", () => {
    const steps = result.document!.phases.flatMap((p) => p.steps);
    expect(steps.map((s) => [s.key, s.predecessors])).toEqual([
      ["1", []],
      ["2", ["1"]],
      ["3", ["2"]],
      ["4", ["3"]],
      ["5", ["4"]],
      ["6", ["5"]],
      ["7", ["6"]],
      ["8", ["7"]],
      ["9", ["8"]],
      ["10", ["9"]],
      ["11", ["10"]],
    ]);
    expect(result.rows.slice(1).every((r) => r.predecessorFromRowOrder)).toBe(true);
    expect(result.document!.phases.map((p) => p.title)).toEqual(["Preparation", "Cutover", "Verification"]);
  });
});

describe("a real plan with durations as people type them", () => {
  const result = importPlan("plan-master-move-durations.csv");

  it("reads every duration, warning on the row and column for ranges, open ends and missing estimates", () => {
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.plannedMinutes)).toEqual([15, 10, 150, 30, 90, 90, 90, 180, 0, 0, 0]);
    expect(result.warnings.map((w) => w.row)).toEqual([2, 4, 8, 9, 10, 11]);
    expect(formatImportError(result.warnings[0])).toBe('Row 2, column "Duration": "5-10 min" is a range: imported as the upper bound, 10 min; the original text is kept in the details.');
    expect(formatImportError(result.warnings[3])).toBe('Row 9, column "Duration": "TBD": not estimated, imported as 0 min; set the duration before relying on the forecast.');
  });

  it("keeps the original duration text in the details", () => {
    const steps = new Map(result.document!.phases.flatMap((p) => p.steps).map((s) => [s.key, s]));
    expect(steps.get("2")!.details).toBe("bpplinfo <policy> -modify -inactive\n\nPlanned duration in the imported plan: 5-10 min");
    expect(steps.get("8")!.details).toBe("depends on catalog size\n\nPlanned duration in the imported plan: 3h+?");
    expect(steps.get("3")!.details).toBe("");
  });

  it("shows the plain total and the critical path: equal when the plan runs in row order", () => {
    // "Preparation" is before the window (its word says so): the window's forecast counts the rest.
    expect(result.totals).toEqual({ plannedMinutes: 655, criticalPathMinutes: 655, windowCriticalPathMinutes: 480 });
  });

  it("treats steps without predecessors as parallel only when asked", () => {
    const parallel = importPlan("plan-master-move-durations.csv", { rowOrder: "parallel" });
    expect(parallel.errors).toEqual([]);
    expect(parallel.document!.phases.flatMap((p) => p.steps).every((s) => s.predecessors.length === 0)).toBe(true);
    expect(parallel.totals).toEqual({ plannedMinutes: 655, criticalPathMinutes: 180, windowCriticalPathMinutes: 180 });
  });
});

describe("row order with a predecessor column", () => {
  it("keeps the predecessors a row names and chains only the rows that name none", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,10,\nB,20,1\nC,30,1\nD,5,");
    expect(r.errors).toEqual([]);
    expect(r.rows.map((row) => [row.row, row.predecessorRows, row.predecessorFromRowOrder])).toEqual([
      [1, [], false],
      [2, [1], false],
      [3, [1], false],
      [4, [3], true],
    ]);
    expect(r.totals).toEqual({ plannedMinutes: 65, criticalPathMinutes: 45, windowCriticalPathMinutes: 45 });
  });

  it("follows the phase order, not the file order, when a phase is named twice", () => {
    const r = importCsv("Phase,Title,Minutes\nA,a1,5\nB,b1,5\nA,a2,5");
    // Phase A holds a1 and a2, then phase B: b1 follows a2, the last step of the phase before it.
    expect(r.rows.map((row) => [row.title, row.predecessorRows])).toEqual([
      ["a1", []],
      ["b1", [3]],
      ["a2", [1]],
    ]);
  });

  it("chains rollback steps among themselves: they never follow the forward plan, nor does it wait for them", () => {
    const r = importCsv("Phase,Title,Minutes,Kind\nCutover,Stop services,10,task\nCutover,Copy catalog,60,task\nRollback,Restart old master,15,rollback\nRollback,Point clients back,20,rollback\nAfter,Hypercare,30,task");
    expect(r.errors).toEqual([]);
    expect(r.rows.map((row) => [row.title, row.kind, row.predecessorRows])).toEqual([
      ["Stop services", "TASK", []],
      ["Copy catalog", "TASK", [1]],
      ["Restart old master", "ROLLBACK", []],
      ["Point clients back", "ROLLBACK", [3]],
      ["Hypercare", "TASK", [2]],
    ]);
  });

  it("leaves out an implied link that would close a cycle with a named predecessor", () => {
    const r = importCsv("Title,Minutes,Predecessors\nA,5,\nB,5,3\nC,5,");
    expect(r.errors).toEqual([]);
    expect(r.rows.map((row) => row.predecessorRows)).toEqual([[], [3], []]);
  });
});
