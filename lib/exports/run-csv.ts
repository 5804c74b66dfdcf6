import "server-only";
import Papa from "papaparse";
import { KIND_LABELS } from "../runs/model";
import { roundMinutes, zonedIso } from "./format";
import { loadRunExportData, type RunExportData } from "./run-export-data";
import { exportFilename } from "./text";

/** Column headers of the step CSV, in order. */
export const RUN_CSV_COLUMNS = [
  "Phase",
  "Number",
  "Title",
  "Kind",
  "Team",
  "Assignee",
  "Status",
  "Planned minutes",
  "Actual minutes",
  "Variance minutes",
  "Started",
  "Finished",
  "Signed off by",
  "Signed off at",
  "Note",
  "Reason",
  "Clients",
  "Recorded values",
] as const;

/** Excel reads UTF-8 only with a byte-order mark. */
export const UTF8_BOM = "\uFEFF";

/**
 * One row per step, in plan order. Times are ISO 8601 with the offset of the project's zone;
 * minutes are whole numbers, empty unless the step was done (a skip or a failure has no
 * comparable duration). Status as the PDF prints it: Done, Go, No-Go, Skipped, Failed,
 * In progress, Pending, Not run. papaparse does the quoting
 * (and neutralises cells that a spreadsheet would run as formulas).
 */
export function runCsvText(data: RunExportData): string {
  const tz = data.project.timezone;
  const rows = data.steps.map((step) => [
    step.phaseTitle,
    step.number,
    step.title,
    KIND_LABELS[step.kind],
    step.team,
    step.assigneeName ?? "",
    step.statusLabel,
    step.plannedMinutes,
    roundMinutes(step.actualMinutes),
    roundMinutes(step.varianceMinutes),
    zonedIso(step.startedAt, tz),
    zonedIso(step.finishedAt, tz),
    step.signedOffBy ?? "",
    zonedIso(step.signedOffAt, tz),
    step.note,
    step.reason,
    step.fleetLine ?? "",
    step.recordedValues.map((v) => `${v.label}: ${v.value}`).join("; "),
  ]);
  const csv = Papa.unparse({ fields: [...RUN_CSV_COLUMNS], data: rows }, { newline: "\r\n", escapeFormulae: true });
  return `${UTF8_BOM}${csv}\r\n`;
}

export async function buildRunCsv(options: { runId: string; now?: Date }): Promise<{ csv: string; filename: string }> {
  const data = await loadRunExportData({ ...options, sections: { fleet: false, audit: false } });
  return { csv: runCsvText(data), filename: exportFilename(data.project.name, data.run.name, "csv") };
}
