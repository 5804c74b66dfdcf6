/**
 * `npx tsx bench/import-xlsx.ts`: the import preview of a 1,000-row .xlsx (the most an import
 * takes): reading the workbook, finding the header, guessing the columns and checking every row,
 * as the browser does on upload and the server again on import. Goal: < 2 s. Prints the numbers;
 * pure CPU, no server or database.
 */
import writeExcelFile from "write-excel-file/node";
import { readPlanFile } from "../lib/import/read-plan-file";
import { defaultImportOptions, MAX_IMPORT_ROWS, validateStepImport } from "../lib/import/steps";

const RUNS = 5;

async function workbook(): Promise<Uint8Array> {
  const at = (minute: number) => ({ value: new Date(Date.UTC(2026, 11, 5, 20, 0) + minute * 60_000), format: "dd/mm/yyyy hh:mm" });
  const rows: unknown[][] = [
    ["ACME ERP – Mock cutover 2 (bench)"],
    [],
    ["Version 3"],
    [{ value: "ID", rowSpan: 2 }, { value: "Phase", rowSpan: 2 }, { value: "Task", rowSpan: 2 }, { value: "Team", rowSpan: 2 }, { value: "Planned", columnSpan: 2 }, null, { value: "Duration", rowSpan: 2 }, { value: "Details", rowSpan: 2 }],
    [null, null, null, null, "Start", "End", null, null],
  ];
  let minute = 0;
  for (let i = 1; i <= MAX_IMPORT_ROWS; i++) {
    const duration = 5 + (i % 7) * 5;
    rows.push([i, `Phase ${Math.ceil(i / 100)}`, `Step ${i}: move the catalog slice ${i} to the new master`, ["Backup", "Storage", "Network"][i % 3], at(minute), at(minute + duration), { value: duration / 1440, format: "h:mm" }, `Check the log of slice ${i} before going on.`]);
    minute += duration;
  }
  return new Uint8Array(await writeExcelFile(rows as never).toBuffer());
}

/** The import preview of a 1,000-row .xlsx, timed `RUNS` times in this process (part of `npm run bench`). */
export async function measureXlsxPreview(): Promise<{ rows: number; kb: number; coldMs: number; medianMs: number; slowestMs: number; summary: string }> {
  const bytes = await workbook();
  const timings: number[] = [];
  let summary = "";
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const parsed = await readPlanFile({ bytes });
    const result = validateStepImport({ parsed, options: defaultImportOptions(parsed), knownEmails: [] });
    timings.push(performance.now() - started);
    summary = `${result.rows.length} rows, ${result.errors.length} errors, total ${result.totals.plannedMinutes} min, critical path ${result.totals.criticalPathMinutes} min`;
  }
  const first = timings[0];
  timings.sort((a, b) => a - b);
  return { rows: MAX_IMPORT_ROWS, kb: Math.round(bytes.length / 1024), coldMs: Math.round(first), medianMs: Math.round(timings[Math.floor(timings.length / 2)]), slowestMs: Math.round(timings.at(-1)!), summary };
}

async function main() {
  const m = await measureXlsxPreview();
  console.log(`Import preview of a ${m.rows}-row .xlsx (${m.kb} KB): ${m.summary}`);
  console.log(`  first (cold) ${m.coldMs} ms · median ${m.medianMs} ms · slowest ${m.slowestMs} ms over ${RUNS} runs`);
  console.log(`  ${m.medianMs < 2000 ? "PASS" : "FAIL"}  Preview of a 1,000-row .xlsx < 2 s — ${m.medianMs} ms`);
  if (m.medianMs >= 2000) process.exitCode = 1;
}

// Run on its own with `npx tsx bench/import-xlsx.ts`; bench/run.ts imports measureXlsxPreview.
if (process.argv[1]?.endsWith("import-xlsx.ts")) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
