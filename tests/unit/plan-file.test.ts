/**
 * Plan files of every real shape reach the step importer: .xlsx read natively (title rows, a
 * two-row merged header, dates, time-formatted durations, formula results), the sheet that holds
 * the plan chosen, files recognised by their bytes rather than their names, and CSV with title
 * lines above the header. Workbooks are built here with write-excel-file.
 */
import { strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { cellText, locateHeader, recognisePlanFile } from "@/lib/import/plan-file";
import { PlanFileError, readPlanFile } from "@/lib/import/read-plan-file";
import { parseCsv, validateStepImport } from "@/lib/import/steps";
import { withCachedValues, xlsx, xlsxSheets, zipOf } from "./helpers/xlsx-fixtures";

const at = (iso: string) => ({ value: new Date(`${iso}:00.000Z`), format: "dd/mm/yyyy hh:mm" });
const clock = (fraction: number) => ({ value: fraction, format: "h:mm" });
const formula = (value: string) => ({ type: "Formula" as const, value });

/** ACME's mock cutover sheet: title, blank line, version line, then ID/Task/Planned(Start, End)/Duration/Minutes over two rows. */
async function mockCutoverWorkbook() {
  const data = [
    [{ value: "ACME ERP – Mock cutover 2", columnSpan: 6 }, null, null, null, null, null],
    [],
    ["Version 3"],
    [{ value: "ID", rowSpan: 2 }, { value: "Task", rowSpan: 2 }, { value: "Planned", columnSpan: 2 }, null, { value: "Duration", rowSpan: 2 }, { value: "Minutes", rowSpan: 2 }],
    [null, null, "Start", "End", null, null],
    [1, "Stop the backup jobs", at("2026-12-05T22:00"), at("2026-12-05T22:45"), clock(45 / 1440), formula("=E6*1440")],
    [2, "Back up the catalog", at("2026-12-05T22:45"), at("2026-12-05T23:15"), clock(30 / 1440), formula("=E7*1440")],
    [3, "Copy the catalog to the new master", at("2026-12-05T23:15"), at("2026-12-06T01:15"), { value: 2, format: "[h]:mm" }, formula("=E8*1440")],
  ];
  return withCachedValues(await xlsx(data), { F6: "45", F7: "30.000000000000004", F8: "2880" });
}

describe("reading an .xlsx plan", () => {
  it("skips the title rows, combines the merged two-row header, and reads dates, times and formula results as text", async () => {
    const plan = await readPlanFile({ bytes: await mockCutoverWorkbook() });
    expect(plan.format).toBe("xlsx");
    expect(plan.sheets).toEqual(["Sheet1"]);
    expect(plan.sheetName).toBe("Sheet1");
    expect(plan.fileErrors).toEqual([]);
    expect(plan.headers).toEqual(["ID", "Task", "Planned Start", "Planned End", "Duration", "Minutes"]);
    expect(plan.records.map((r) => [r.row, r.sheetRow])).toEqual([
      [1, 6],
      [2, 7],
      [3, 8],
    ]);
    expect(plan.records[0].cells).toEqual(["1", "Stop the backup jobs", "2026-12-05T22:00", "2026-12-05T22:45", "0:45", "45"]);
    // A formula's float noise is gone; a [h]:mm duration past a day stays hours.
    expect(plan.records[1].cells.slice(4)).toEqual(["0:30", "30"]);
    expect(plan.records[2].cells.slice(2)).toEqual(["2026-12-05T23:15", "2026-12-06T01:15", "48:00", "2880"]);
  });

  it("gives the validator rows it can import: durations from the time-formatted column", async () => {
    const plan = await readPlanFile({ bytes: await mockCutoverWorkbook() });
    const result = validateStepImport({ parsed: plan, options: { mapping: { title: 1, plannedMinutes: 5 }, predecessorsBy: "row", durationUnit: "minutes" }, knownEmails: null });
    // Row 3's 2880 minutes (48 h) is longer than a step may be: the error names row 3, the others import.
    expect(result.errors.map((e) => e.row)).toEqual([3]);
    const fixed = validateStepImport({ parsed: plan, options: { mapping: { title: 1, plannedMinutes: 4 }, predecessorsBy: "row", durationUnit: "minutes" }, knownEmails: null });
    expect(fixed.errors.map((e) => e.row)).toEqual([3]);
    expect(fixed.rows.slice(0, 2).map((r) => r.plannedMinutes)).toEqual([45, 30]);
  });

  it("chooses the sheet that holds the plan (the second), and reads another when asked", async () => {
    const bytes = await xlsxSheets([
      { sheet: "Cover", data: [["Mock cutover 2"], ["Prepared by the PMO"], ["Do not edit"]] },
      { sheet: "Plan", data: [["Phase", "Task", "Minutes"], ["Prepare", "Freeze changes", 15], ["Cutover", "Stop the jobs", 20]] },
      { sheet: "Contacts", data: [["Name", "Phone"], ["Olivia", "+49 30 1234"]] },
    ]);
    const plan = await readPlanFile({ bytes });
    expect(plan.sheets).toEqual(["Cover", "Plan", "Contacts"]);
    expect(plan.sheetName).toBe("Plan");
    expect(plan.headers).toEqual(["Phase", "Task", "Minutes"]);
    expect(plan.records.map((r) => r.cells)).toEqual([
      ["Prepare", "Freeze changes", "15"],
      ["Cutover", "Stop the jobs", "20"],
    ]);
    const contacts = await readPlanFile({ bytes, sheet: "Contacts" });
    expect(contacts.sheetName).toBe("Contacts");
    expect(contacts.headers).toEqual(["Name", "Phone"]);
    await expect(readPlanFile({ bytes, sheet: "Budget" })).rejects.toThrow('The workbook has no sheet named "Budget"; it has "Cover", "Plan", "Contacts".');
  });

  it("reads a group row above a sub-header row (no vertical merges) as combined names", async () => {
    const bytes = await xlsx([
      ["Mock cutover 2"],
      [null, null, { value: "Planned", columnSpan: 2 }, null, { value: "Actual", columnSpan: 2 }, null],
      ["ID", "Task", "Start", "End", "Start", "End"],
      [1, "Stop the jobs", at("2026-12-05T22:00"), at("2026-12-05T22:30"), null, null],
    ]);
    const plan = await readPlanFile({ bytes });
    expect(plan.headers).toEqual(["ID", "Task", "Planned Start", "Planned End", "Actual Start", "Actual End"]);
    expect(plan.records).toHaveLength(1);
    expect(plan.records[0].sheetRow).toBe(4);
  });

  it("reads an .xlsx renamed .csv as a workbook, and a CSV named .xlsx as text: the bytes decide", async () => {
    const bytes = await xlsx([["Task", "Minutes"], ["Stop the jobs", 20]]);
    expect(recognisePlanFile(bytes)).toEqual({ kind: "xlsx" });
    expect((await readPlanFile({ bytes })).records[0].cells).toEqual(["Stop the jobs", "20"]);
    const csv = await readPlanFile({ bytes: strToU8("Task;Minutes\nStop the jobs;20\n") });
    expect(csv.format).toBe("csv");
    expect(csv.headers).toEqual(["Task", "Minutes"]);
  });
});

describe("recognising what a file is", () => {
  const bytesOf = (text: string) => strToU8(text);
  const refusal = (bytes: Uint8Array) => {
    const kind = recognisePlanFile(bytes);
    return kind.kind === "refused" ? kind.message : `not refused: ${kind.kind}`;
  };

  it("names RTF, PDF, HTML, legacy .xls, Word, OpenDocument and other ZIPs and binaries, each with what to do", async () => {
    expect(refusal(bytesOf("{\\rtf1\\ansi Step 1\\par}"))).toBe("This is an RTF document, not a spreadsheet. Open it in Word/Excel and save it as .xlsx or CSV.");
    expect(refusal(bytesOf("%PDF-1.7\n%âãÏÓ"))).toMatch(/^This is a PDF document, not a spreadsheet\./);
    expect(refusal(bytesOf("<!DOCTYPE html><html><body><table>"))).toMatch(/^This is a web page \(HTML\)/);
    expect(refusal(bytesOf("\uFEFF  <html xmlns:o=\"urn:schemas-microsoft-com:office:office\">"))).toMatch(/^This is a web page \(HTML\)/);
    expect(refusal(bytesOf("<table><tr><td>Task</td></tr></table>"))).toMatch(/^This is a web page \(HTML\)/);
    const xls = new Uint8Array(512);
    xls.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect(refusal(xls)).toBe("This is a legacy Excel workbook (.xls) or another old Office file, which Runsheet can't read. Open it in Excel and save it as .xlsx or CSV.");
    expect(refusal(zipOf({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" }))).toMatch(/^This is a Word document \(\.docx\)/);
    expect(refusal(zipOf({ mimetype: "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office:document-content/>" }, { storedFirst: "mimetype" }))).toMatch(
      /^This is an OpenDocument spreadsheet \(\.ods\), which Runsheet can't read\. Open it in LibreOffice or Excel and save it as \.xlsx or CSV\.$/,
    );
    expect(refusal(zipOf({ "plan.csv": "Task\nA" }))).toMatch(/^This is a ZIP archive, not a spreadsheet\./);
    expect(refusal(new Uint8Array([1, 2, 0, 0, 0, 7, 9, 0, 3, 0, 0, 0, 0, 1]))).toMatch(/^This file is not text and not an \.xlsx workbook/);
    expect(refusal(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toMatch(/^This is a PNG image/);
  });

  it("refuses through readPlanFile with the same one message", async () => {
    const error = await readPlanFile({ bytes: bytesOf("{\\rtf1 plan}") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanFileError);
    expect((error as Error).message).toBe("This is an RTF document, not a spreadsheet. Open it in Word/Excel and save it as .xlsx or CSV.");
  });

  it("reads UTF-16 CSV with a BOM (Excel's Unicode text) and without one", async () => {
    const text = "Task\tMinutes\nÜberprüfen\t15\n";
    const le = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) le.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], i * 2);
    const withBom = new Uint8Array([0xff, 0xfe, ...le]);
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) be.set([le[i + 1], le[i]], i);
    for (const bytes of [withBom, le, be]) {
      const plan = await readPlanFile({ bytes });
      expect(plan.headers).toEqual(["Task", "Minutes"]);
      expect(plan.records[0].cells).toEqual(["Überprüfen", "15"]);
    }
    expect(recognisePlanFile(le)).toEqual({ kind: "text", encoding: "utf-16le" });
    expect(recognisePlanFile(be)).toEqual({ kind: "text", encoding: "utf-16be" });
  });

  it("refuses a workbook that would unpack to more than 200 MB without unpacking it", () => {
    // A stored entry whose declared size is 300 MB: the central directory alone says so.
    const zip = zipOf({ "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<worksheet/>" });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i < zip.length - 4; i++) if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 300 * 1024 * 1024, true);
    expect(refusal(zip)).toMatch(/^This workbook unpacks to more than 200 MB\./);
  });
});

describe("cells as text", () => {
  it("numbers without float noise, dates as ISO local date-times, times as hours:minutes", () => {
    expect(cellText(0.1 + 0.2)).toBe("0.3");
    expect(cellText(60.00000000000005)).toBe("60");
    expect(cellText(1.0000001)).toBe("1.0000001");
    expect(cellText(45)).toBe("45");
    expect(cellText(true)).toBe("TRUE");
    expect(cellText(null)).toBe("");
    expect(cellText(new Date("2026-12-05T00:00:00.000Z"))).toBe("2026-12-05");
    expect(cellText(new Date("2026-12-05T22:00:00.000Z"))).toBe("2026-12-05T22:00");
    // read-excel-file floors to the millisecond: 21:59:59.999 is 22:00.
    expect(cellText(new Date("2026-12-05T21:59:59.999Z"))).toBe("2026-12-05T22:00");
    expect(cellText(new Date("1899-12-30T00:45:00.000Z"))).toBe("0:45");
    expect(cellText(new Date("1899-12-31T12:00:00.000Z"))).toBe("36:00");
  });
});

describe("finding the header in CSV", () => {
  it("skips two title lines and a blank line above a semicolon header", () => {
    const parsed = parseCsv(["ACME ERP – Mock cutover 2", "Version 3", "", "Phase;Task;Minutes", "Prepare;Freeze changes;15", "Cutover;Stop the jobs;20"].join("\n"));
    expect(parsed.delimiter).toBe(";");
    expect(parsed.headers).toEqual(["Phase", "Task", "Minutes"]);
    expect(parsed.records.map((r) => [r.row, r.sheetRow, r.cells])).toEqual([
      [1, 5, ["Prepare", "Freeze changes", "15"]],
      [2, 6, ["Cutover", "Stop the jobs", "20"]],
    ]);
  });

  it("skips a title Excel wrote with trailing separators, and reads a two-row header in CSV", () => {
    const parsed = parseCsv(["Mock cutover 2,,,,", ",,,,", "ID,Task,Planned,,Duration", ",,Start,End,", "1,Stop the jobs,22:00,22:45,45"].join("\n"));
    expect(parsed.headers).toEqual(["ID", "Task", "Planned Start", "Planned End", "Duration"]);
    expect(parsed.records.map((r) => [r.row, r.sheetRow])).toEqual([[1, 5]]);
  });

  it("keeps the first row as the header when it is one (narrow plans, headerless columns, data that looks like words)", () => {
    expect(parseCsv("Title\nA\nB").headers).toEqual(["Title"]);
    expect(parseCsv("Title,Minutes\nA,5\nB,10").headers).toEqual(["Title", "Minutes"]);
    // A header naming two of five columns: the next row holds a number, so it is data, not a header.
    const sparse = parseCsv("Title,Minutes,,,\nStop the jobs,5,x,y,z\nStart the jobs,5,x,y,z");
    expect(sparse.headers).toEqual(["Title", "Minutes", "", "", ""]);
    expect(sparse.records).toHaveLength(2);
    // A row under the header whose cells are all words is data when it fills the title column.
    expect(parseCsv("Phase,Title,Team,,\nPrepare,Freeze changes,PMO,,").headers).toEqual(["Phase", "Title", "Team", "", ""]);
  });

  it("finds no header in a blank file", () => {
    expect(locateHeader([["", ""], [""]])).toBeNull();
  });
});
