/**
 * Steps from a spreadsheet: a CSV as Excel or Smartsheet export it (or pasted cells) → columns
 * mapped to step fields → every row checked → a runbook document plus assignee emails.
 *
 * Pure (no I/O, no "server-only"): the browser runs it for the instant preview, the server runs it
 * again on the same text before importing, so both report the same rows and reasons. The import
 * is all-or-nothing: while `errors` is non-empty there is no document.
 *
 * Rows are numbered as Smartsheet numbers them and as the preview shows them: row 1 is the first
 * row under the header. Blank rows are skipped but keep their number, so a reference to "row 7"
 * still means the seventh row of the sheet.
 */
import { z } from "zod";
import { delimiterLabel, encodingProblem, normaliseHeader, readCsv, UNCLOSED_QUOTE_MESSAGE } from "../platform/csv";
import { findCycle } from "../platform/graph";
import { detectPlanDelimiter, locateHeader } from "./plan-file";
import { RUNBOOK_DOCUMENT_VERSION, runbookDocumentSchema, type RunbookDocument } from "../templates/runbook-document";
import { STEP_KINDS, type StepKindName } from "../runs/model";
import { MAX_STEP_MINUTES } from "../plan/model";
import { unsafeCharacterProblem } from "../platform/validation";

// ---------------------------------------------------------------- fields and options

export const IMPORT_FIELDS = ["phase", "title", "details", "commands", "verification", "team", "assignee", "plannedMinutes", "predecessors", "kind"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  phase: "Phase",
  title: "Title",
  details: "Details",
  commands: "Commands",
  verification: "Check (verification)",
  team: "Team",
  assignee: "Assignee email",
  plannedMinutes: "Planned duration",
  predecessors: "Predecessors",
  kind: "Kind",
};

/** Cells that must be one line. Titles and phases are collapsed to one line when read (a line break typed in an Excel cell is fine); the rest may hold line breaks or are parsed. */
const SINGLE_LINE_IMPORT_FIELDS: ReadonlySet<ImportField> = new Set(["team"]);

/** Only the title must be mapped: real plans often have no duration column (every step is then "not estimated"). */
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ["title"];

export const MAX_IMPORT_ROWS = 1000;
export const MAX_IMPORT_CHARS = 2_000_000;
const MAX_COLUMNS = 200;
/** Rows without a phase (and before any row that names one) go here. */
export const DEFAULT_IMPORT_PHASE = "Imported steps";

const columnIndex = z.number().int().min(0).max(MAX_COLUMNS - 1).nullable().optional();

export const columnMappingSchema = z
  .object(Object.fromEntries(IMPORT_FIELDS.map((field) => [field, columnIndex])) as Record<ImportField, typeof columnIndex>)
  .strict();
export type ColumnMapping = Partial<Record<ImportField, number | null>>;

export const stepImportOptionsSchema = z
  .object({
    mapping: columnMappingSchema,
    /** How the predecessors column refers to other rows. */
    predecessorsBy: z.enum(["row", "sheetRow", "title"]),
    /** What a bare number in the duration column means. */
    durationUnit: z.enum(["minutes", "hours"]),
    /**
     * "sequence" (the default): a step without predecessors follows the step above it, because
     * real plans express order by row. "parallel": such a step can start at once.
     */
    rowOrder: z.enum(["sequence", "parallel"]).optional(),
  })
  .strict();
export type StepImportOptions = z.infer<typeof stepImportOptionsSchema>;

export const ROW_ORDER_LABELS: Record<NonNullable<StepImportOptions["rowOrder"]>, string> = {
  sequence: "Steps without predecessors follow the row above",
  parallel: "Steps without predecessors run in parallel",
};

export const PREDECESSOR_MODE_LABELS: Record<StepImportOptions["predecessorsBy"], string> = {
  row: "Row numbers (1 = first row under the header, as in Smartsheet)",
  sheetRow: "Spreadsheet row numbers (the header is row 1, as in Excel)",
  title: "Step titles",
};

// ---------------------------------------------------------------- decoding

// The import dialog decodes uploads through this module; the reader lives in lib/platform/csv.ts.
export { decodeCsvBytes, encodingProblem, type CsvEncoding } from "../platform/csv";

// ---------------------------------------------------------------- parsing

export interface CsvRecord {
  /** 1-based data row number (row 1 = first row under the header); blank rows count. */
  row: number;
  /** 1-based spreadsheet row (the header is row 1 when it is the first line). */
  sheetRow: number;
  cells: string[];
  /** papaparse found an unclosed quote in this record. */
  quoteError: boolean;
}

export interface ParsedCsv {
  delimiter: string;
  headers: string[];
  /** Every record after the header, blank ones included (they keep row numbers stable). */
  records: CsvRecord[];
  /** Problems with the file as a whole (no header, bad header encoding, too large). */
  fileErrors: string[];
}

export function parseCsv(input: string): ParsedCsv {
  const fileErrors: string[] = [];
  if (input.length > MAX_IMPORT_CHARS) {
    return { delimiter: ",", headers: [], records: [], fileErrors: [`The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB; split it.`] };
  }
  // Title lines above the header and two-row (merged) headers: lib/import/plan-file.ts.
  const table = readCsv(input, { delimiter: detectPlanDelimiter(input) });
  const rows = table.header ? [table.header, ...table.records] : [];
  const located = locateHeader(rows.map((r) => r.cells));
  if (!located) return { delimiter: table.delimiter, headers: [], records: [], fileErrors: ["The file is empty."] };
  const headers = located.headers.slice(0, MAX_COLUMNS);
  if (located.headers.length > MAX_COLUMNS) fileErrors.push(`The header has more than ${MAX_COLUMNS} columns.`);
  const badHeader = encodingProblem(headers.join(" "));
  if (badHeader) fileErrors.push(`The header row: ${badHeader}`);
  return {
    delimiter: table.delimiter,
    headers,
    records: rows.slice(located.last + 1).map((record, i) => ({ row: i + 1, sheetRow: record.index + 1, cells: record.cells, quoteError: record.quoteError })),
    fileErrors,
  };
}

// ---------------------------------------------------------------- mapping

/** Header names we recognise, compared after lower-casing and dropping everything but letters and digits. */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  phase: ["phase", "phasename", "stage", "section", "group", "workstream", "parent"],
  title: ["title", "step", "steptitle", "stepname", "task", "taskname", "name", "activity", "summary", "action"],
  details: ["details", "detail", "description", "notes", "note", "comments", "comment", "instructions"],
  commands: ["commands", "command", "cmd", "cmds", "script", "shell"],
  verification: ["verification", "verify", "check", "checks", "validation", "successcriteria", "howtoverify", "proof"],
  team: ["team", "ownerteam", "responsibleteam", "department", "role"],
  assignee: ["assignee", "assigneeemail", "assignedto", "assigned", "owner", "owneremail", "email", "responsible", "resource", "person"],
  plannedMinutes: ["plannedminutes", "minutes", "mins", "min", "duration", "durationmin", "durationmins", "durationminutes", "plannedduration", "estimate", "estimatedminutes", "planned", "time"],
  predecessors: ["predecessors", "predecessor", "dependson", "dependencies", "dependency", "depends", "after", "preds"],
  kind: ["kind", "type", "steptype", "tasktype", "category"],
};

/** Looser clues for headers such as "Duration (min)" or "Owner e-mail". */
const HEADER_HINTS: [ImportField, RegExp][] = [
  ["predecessors", /predecessor|depend/],
  ["plannedMinutes", /minute|duration|estimate|hours?$/],
  ["assignee", /e-?mail|assign/],
  ["verification", /verif|check/],
  ["commands", /command/],
  ["phase", /phase|stage/],
  ["title", /title|task|step/],
  ["details", /detail|descr|note/],
  ["team", /team/],
];

/** A first guess at the mapping from the header names; the user corrects it in the form. */
export function guessColumnMapping(headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  const assign = (field: ImportField, index: number) => {
    if (mapping[field] !== undefined || used.has(index)) return;
    mapping[field] = index;
    used.add(index);
  };
  headers.forEach((header, index) => {
    const key = normaliseHeader(header);
    for (const field of IMPORT_FIELDS) if (HEADER_ALIASES[field].includes(key)) return assign(field, index);
  });
  headers.forEach((header, index) => {
    if (used.has(index)) return;
    const key = header.toLowerCase();
    for (const [field, pattern] of HEADER_HINTS) {
      if (mapping[field] === undefined && pattern.test(key)) return assign(field, index);
    }
  });
  return mapping;
}

/** "Duration (hours)", "Est. h": bare numbers in that column are hours. */
export function guessDurationUnit(header: string | undefined): StepImportOptions["durationUnit"] {
  if (!header) return "minutes";
  return /hour|hrs?\b|\(h\)|\bh$/i.test(header) ? "hours" : "minutes";
}

/** Titles in the predecessors column (anything not made of numbers) mean "by title". */
export function guessPredecessorMode(parsed: ParsedCsv, column: number | null | undefined): StepImportOptions["predecessorsBy"] {
  if (column === null || column === undefined) return "row";
  const values = parsed.records.map((r) => r.cells[column] ?? "").filter((v) => v !== "");
  if (values.length === 0) return "row";
  const numeric = values.filter((v) => PREDECESSOR_TOKENS_NUMERIC.test(v)).length;
  return numeric >= values.length / 2 ? "row" : "title";
}
const PREDECESSOR_TOKENS_NUMERIC = /^\s*(row\s*)?\d+\s*([FS]{2})?(\s*[+-]\s*\S+)?(\s*[,;\n]\s*(row\s*)?\d+\s*([FS]{2})?(\s*[+-]\s*\S+)?)*\s*$/i;

export function defaultImportOptions(parsed: ParsedCsv): StepImportOptions {
  const mapping = guessColumnMapping(parsed.headers);
  return {
    mapping,
    predecessorsBy: guessPredecessorMode(parsed, mapping.predecessors),
    durationUnit: guessDurationUnit(mapping.plannedMinutes !== undefined && mapping.plannedMinutes !== null ? parsed.headers[mapping.plannedMinutes] : undefined),
    rowOrder: "sequence",
  };
}

// ---------------------------------------------------------------- cell parsers

/**
 * "45", "45 min", "1:30", "01:30:00", "1.5h", "2 h", "1h 30m", "90m" → minutes. Days and weeks
 * are refused: Smartsheet's "1d" means a working day, which is not a duration in a cutover window.
 * Strict: `parsePlannedDuration` below is what the import uses; this is its core for one value.
 */
export function parseDuration(raw: string, unit: StepImportOptions["durationUnit"]): { ok: true; minutes: number } | { ok: false; message: string } {
  const value = raw
    .trim()
    .toLowerCase()
    .replace(/^~\s*/, "")
    // "90 min." and "1:30 h": a trailing full stop, and an hour sign after a clock time, add nothing.
    .replace(/\.+$/, "")
    .replace(/^(\d{1,3}:[0-5]\d(?::[0-5]\d)?)\s*(h|hr|hrs|hours?)$/, "$1")
    // "2h30m" reads as "2h 30m"; "1h30" is 1 h 30 min, as people write it.
    .replace(/([a-z])(?=\d)/g, "$1 ")
    .replace(/^(\d+)\s*(h|hr|hrs|hours?)\s*(\d{1,2})$/, "$1h $3m");
  if (value === "") return { ok: false, message: "The planned duration is empty." };
  const bad = (why: string) => ({ ok: false as const, message: `The planned duration "${raw.trim()}" ${why}` });
  let minutes: number;
  const clock = /^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/.exec(value);
  if (clock) {
    if (clock[3] && clock[3] !== "00") return bad("has seconds; give whole minutes.");
    minutes = Number(clock[1]) * 60 + Number(clock[2]);
  } else if (/^[+-]?\d+([.,]\d+)?$/.test(value)) {
    const number = Number(value.replace(",", "."));
    minutes = unit === "hours" ? number * 60 : number;
  } else if (/\d\s*(d|day|days|w|wk|wks|week|weeks)\b/.test(value)) {
    return bad("is in days or weeks; give minutes or hours (a cutover step is measured in clock time).");
  } else {
    const parts = [...value.matchAll(/(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|m|min|mins|minute|minutes)\b/g)];
    const rest = value.replace(/(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|m|min|mins|minute|minutes)\b/g, "").trim();
    if (parts.length === 0 || rest !== "") return bad('is not a duration. Use minutes ("45"), hours and minutes ("1:30", "1h 30m") or hours ("1.5h").');
    minutes = parts.reduce((total, [, amount, unitText]) => total + Number(amount.replace(",", ".")) * (unitText.startsWith("h") ? 60 : 1), 0);
  }
  if (minutes < 0) return bad("is negative.");
  if (!Number.isInteger(Math.round(minutes * 1e6) / 1e6)) return bad("is not a whole number of minutes.");
  minutes = Math.round(minutes);
  if (minutes > MAX_STEP_MINUTES) return bad(`is longer than ${MAX_STEP_MINUTES} minutes (24 h); split the step.`);
  return { ok: true, minutes };
}

/** What a step without an estimate is imported with. 0, not a guess: a made-up default would look like a real estimate in the forecast. */
export const NOT_ESTIMATED_MINUTES = 0;

export type PlannedDuration =
  | {
      ok: true;
      minutes: number;
      /** False for blank, "TBD", "?", "n/a": imported as NOT_ESTIMATED_MINUTES. */
      estimated: boolean;
      /** Why the value is not exactly what the cell says (a range, "3h+", not estimated). Without the row and column: the caller adds them. */
      warning: string | null;
      /** The cell as written, to keep in the step's details when `minutes` is not all it said. */
      original: string | null;
    }
  | { ok: false; message: string };

const NOT_ESTIMATED = /^(|tbd|tbc|tba|\?+|n\/?a|-+|–|—|unknown|none|not estimated|\?\s*min)$/i;

/**
 * A planned-duration cell as real plans write it: everything `parseDuration` takes, plus ranges
 * ("5-10 min", "20-30", "1–2 h": the upper bound), open ends ("3h+", "3h+?", "45?": the number),
 * and no estimate at all (blank, "TBD", "?", "n/a": NOT_ESTIMATED_MINUTES). Anything else is
 * still an error, so a typo doesn't silently become 0 minutes.
 */
export function parsePlannedDuration(text: string, unit: StepImportOptions["durationUnit"] = "minutes"): PlannedDuration {
  const raw = text.replace(/\s+/g, " ").trim();
  if (NOT_ESTIMATED.test(raw)) {
    return { ok: true, minutes: NOT_ESTIMATED_MINUTES, estimated: false, warning: `${raw === "" ? "No planned duration" : `"${raw}"`}: not estimated, imported as ${NOT_ESTIMATED_MINUTES} min; set the duration before relying on the forecast.`, original: raw === "" ? null : raw };
  }
  const direct = parseDuration(raw, unit);
  if (direct.ok) return { ...direct, estimated: true, warning: null, original: null };

  // "5-10 min", "20 - 30", "1h-1h30", "5 to 10 min": the upper bound; a lone lower bound takes the upper's unit.
  const range = /^~?\s*(\S.*?)\s*(?:-|–|—|to)\s*(\S.*)$/i.exec(raw);
  if (range && !/^[+-]/.test(raw)) {
    const upper = parseDuration(range[2], unit);
    const upperUnit = range[2].replace(/^[\d.,:\s]+/, "");
    const lower = parseDuration(/\d$/.test(range[1]) && upperUnit ? `${range[1]} ${upperUnit}` : range[1], unit);
    if (upper.ok && lower.ok && lower.minutes <= upper.minutes) {
      return { ok: true, minutes: upper.minutes, estimated: true, warning: `"${raw}" is a range: imported as the upper bound, ${upper.minutes} min; the original text is kept in the details.`, original: raw };
    }
  }
  // "3h+", "3h+?", "45?": at least that long, or a guess; the number is the best we have.
  const open = /^(.*?\d.*?)\s*(\+\s*\?*|\?+)$/.exec(raw);
  if (open) {
    const base = parseDuration(open[1], unit);
    if (base.ok) {
      return { ok: true, minutes: base.minutes, estimated: true, warning: `"${raw}" is open-ended or uncertain: imported as ${base.minutes} min; the original text is kept in the details.`, original: raw };
    }
  }
  return direct;
}

const KIND_WORDS: Record<string, StepKindName> = {
  task: "TASK",
  step: "TASK",
  gate: "GATE",
  gonogo: "GATE",
  gonogogate: "GATE",
  decision: "GATE",
  milestone: "MILESTONE",
  rollback: "ROLLBACK",
  backout: "ROLLBACK",
  fallback: "ROLLBACK",
};

export function parseKind(raw: string): StepKindName | null {
  const key = raw.toLowerCase().replace(/[^a-z]/g, "");
  if (key === "") return "TASK";
  if ((STEP_KINDS as readonly string[]).includes(raw.trim().toUpperCase())) return raw.trim().toUpperCase() as StepKindName;
  return KIND_WORDS[key] ?? null;
}

const emailSchema = z.string().email();

// ---------------------------------------------------------------- validation

export interface ImportRowError {
  /** Data row number, or null for a problem with the file or the mapping. */
  row: number | null;
  message: string;
}

export interface ImportPreviewRow {
  row: number;
  sheetRow: number;
  phase: string;
  title: string;
  team: string;
  assignee: string;
  plannedMinutes: number | null;
  kind: StepKindName | null;
  /** Data row numbers of the predecessors that could be resolved. */
  predecessorRows: number[];
  /** The only predecessor is the step above, because the row names none (row order is sequence). */
  predecessorFromRowOrder: boolean;
  /** False when the duration was blank, "TBD", "?"… or there is no duration column. */
  estimated: boolean;
  errors: string[];
  warnings: string[];
}

export interface ImportPhasePreview {
  title: string;
  stepCount: number;
  plannedMinutes: number;
  /** A phase of the project has this title: the steps are added to the end of it. */
  existing: boolean;
}

export interface StepImportResult {
  rows: ImportPreviewRow[];
  phases: ImportPhasePreview[];
  errors: ImportRowError[];
  /** Imported anyway, but the user should know (a range, "TBD", no duration column). Each names the row and column. */
  warnings: ImportRowError[];
  /** Sum of the planned minutes, and the longest chain of predecessors (null while there is a cycle). */
  totals: { plannedMinutes: number; criticalPathMinutes: number | null };
  /** Present only when there are no errors. Keys are the row numbers. */
  document: RunbookDocument | null;
  /** Lower-cased assignee email by step key (row number). */
  assigneeEmails: Record<string, string>;
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
const titleKey = (title: string) => collapse(title).toLowerCase();

interface WorkingRow {
  record: CsvRecord;
  phase: string;
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  assignee: string;
  plannedMinutes: number | null;
  kind: StepKindName | null;
  predecessorsRaw: string;
  predecessorRows: number[];
  predecessorFromRowOrder: boolean;
  estimated: boolean;
  errors: string[];
  warnings: string[];
}

/**
 * Checks every row and builds the document. `knownEmails` are the active users' emails (any
 * case); pass null to skip the check (the server always passes them). `existingPhaseTitles` only
 * marks phases in the preview that will receive steps rather than be created.
 */
export function validateStepImport(options: {
  parsed: ParsedCsv;
  options: StepImportOptions;
  knownEmails: Iterable<string> | null;
  existingPhaseTitles?: Iterable<string>;
  name?: string;
}): StepImportResult {
  const { parsed } = options;
  const { mapping, predecessorsBy, durationUnit } = options.options;
  const rowOrder = options.options.rowOrder ?? "sequence";
  const warnings: ImportRowError[] = [];
  const noTotals = { plannedMinutes: 0, criticalPathMinutes: null };
  const errors: ImportRowError[] = parsed.fileErrors.map((message) => ({ row: null, message }));
  const fileLevel = (message: string) => errors.push({ row: null, message });

  for (const field of REQUIRED_IMPORT_FIELDS) {
    if (mapping[field] === undefined || mapping[field] === null) fileLevel(`Choose the column that holds the ${IMPORT_FIELD_LABELS[field].toLowerCase()}.`);
  }
  const mappedColumns = IMPORT_FIELDS.map((f) => mapping[f]).filter((c): c is number => c !== undefined && c !== null);
  for (const column of mappedColumns) {
    if (column >= parsed.headers.length) fileLevel(`Column ${column + 1} is mapped, but the header has only ${parsed.headers.length} columns.`);
  }
  const duplicated = mappedColumns.filter((c, i) => mappedColumns.indexOf(c) !== i);
  for (const column of new Set(duplicated)) {
    const fields = IMPORT_FIELDS.filter((f) => mapping[f] === column).map((f) => IMPORT_FIELD_LABELS[f]);
    fileLevel(`The column "${parsed.headers[column] ?? column + 1}" is mapped to ${fields.join(" and ")}; map each column once.`);
  }
  if (errors.length > 0) return { rows: [], phases: [], errors, warnings, totals: noTotals, document: null, assigneeEmails: {} };
  const durationColumn = mapping.plannedMinutes === undefined || mapping.plannedMinutes === null ? null : mapping.plannedMinutes;
  const durationColumnName = durationColumn === null ? "" : `column "${parsed.headers[durationColumn] || `Column ${durationColumn + 1}`}"`;

  const known = options.knownEmails ? new Set([...options.knownEmails].map((e) => e.trim().toLowerCase())) : null;
  const cell = (record: CsvRecord, field: ImportField) => {
    const column = mapping[field];
    return column === undefined || column === null ? "" : (record.cells[column] ?? "");
  };

  // 1. Read each non-blank row on its own.
  const rows: WorkingRow[] = [];
  let currentPhase = DEFAULT_IMPORT_PHASE;
  for (const record of parsed.records) {
    if (record.cells.every((c) => c === "")) continue;
    const rowErrors: string[] = [];
    if (record.quoteError) rowErrors.push(UNCLOSED_QUOTE_MESSAGE);
    const extra = record.cells.slice(parsed.headers.length).filter((c) => c !== "");
    if (extra.length > 0) {
      rowErrors.push(`It has ${record.cells.length} fields but the header has ${parsed.headers.length}: a value containing "${delimiterLabel(parsed.delimiter)}" must be in double quotes.`);
    }
    const encoding = encodingProblem(record.cells.join(" "));
    if (encoding) rowErrors.push(`It ${encoding}`);

    const phaseCell = collapse(cell(record, "phase"));
    if (phaseCell !== "") currentPhase = phaseCell;
    const title = collapse(cell(record, "title"));
    if (title === "") rowErrors.push("The title is empty.");
    else if (title.length > 200) rowErrors.push(`The title is ${title.length} characters long; at most 200.`);
    if (currentPhase.length > 200) rowErrors.push("The phase name is longer than 200 characters.");

    // The same characters every form refuses (lib/platform/validation.ts), named with the row here.
    // A NUL here usually means UTF-16, which `encoding` above already says.
    if (!encoding) for (const field of IMPORT_FIELDS) {
      const problem = unsafeCharacterProblem(cell(record, field), { multiline: !SINGLE_LINE_IMPORT_FIELDS.has(field) });
      if (problem) rowErrors.push(`The ${IMPORT_FIELD_LABELS[field].toLowerCase()} ${problem}`);
    }

    const limits: [ImportField, number][] = [["details", 20_000], ["commands", 20_000], ["verification", 5000], ["team", 60]];
    for (const [field, max] of limits) {
      if (cell(record, field).length > max) rowErrors.push(`The ${IMPORT_FIELD_LABELS[field].toLowerCase()} is longer than ${max} characters.`);
    }

    let plannedMinutes: number | null = NOT_ESTIMATED_MINUTES;
    let estimated = false;
    let details = cell(record, "details");
    const rowWarnings: string[] = [];
    if (durationColumn !== null) {
      const duration = parsePlannedDuration(cell(record, "plannedMinutes"), durationUnit);
      if (duration.ok) {
        plannedMinutes = duration.minutes;
        estimated = duration.estimated;
        if (duration.warning) rowWarnings.push(`${durationColumnName}: ${duration.warning}`);
        // What the plan said stays with the step, so "5-10 min" isn't silently 10 min forever.
        if (duration.original) details = `${details}${details ? "\n\n" : ""}Planned duration in the imported plan: ${duration.original}`;
      } else {
        plannedMinutes = null;
        rowErrors.push(duration.message);
      }
    }

    const kind = parseKind(cell(record, "kind"));
    if (kind === null) rowErrors.push(`The kind "${cell(record, "kind")}" is not one of task, gate, milestone, rollback.`);

    const assignee = cell(record, "assignee").toLowerCase();
    if (assignee !== "") {
      if (!emailSchema.safeParse(assignee).success) rowErrors.push(`The assignee "${cell(record, "assignee")}" is not an email address.`);
      else if (known && !known.has(assignee)) rowErrors.push(`No active user has the email "${assignee}".`);
    }

    rows.push({
      record,
      phase: currentPhase,
      title,
      details,
      commands: cell(record, "commands"),
      verification: cell(record, "verification"),
      team: cell(record, "team"),
      assignee,
      plannedMinutes,
      kind,
      predecessorsRaw: cell(record, "predecessors"),
      predecessorRows: [],
      predecessorFromRowOrder: false,
      estimated,
      errors: rowErrors,
      warnings: rowWarnings,
    });
  }

  if (rows.length === 0) fileLevel("There are no steps under the header.");
  if (rows.length > MAX_IMPORT_ROWS) fileLevel(`${rows.length} steps in one import; at most ${MAX_IMPORT_ROWS}. Split the file.`);

  // 2. Titles must be unique when predecessors name them.
  const rowsByTitle = new Map<string, WorkingRow[]>();
  for (const row of rows) if (row.title !== "") rowsByTitle.set(titleKey(row.title), [...(rowsByTitle.get(titleKey(row.title)) ?? []), row]);
  if (predecessorsBy === "title" && mapping.predecessors !== undefined && mapping.predecessors !== null) {
    for (const same of rowsByTitle.values()) {
      if (same.length < 2) continue;
      for (const row of same) {
        const others = same.filter((r) => r !== row).map((r) => r.record.row);
        row.errors.push(`The title "${row.title}" is also on row${others.length > 1 ? "s" : ""} ${others.join(", ")}; predecessors are given by title, so titles must be unique.`);
      }
    }
  }

  // 3. Resolve predecessors to rows of the file.
  const rowByNumber = new Map(rows.map((r) => [r.record.row, r]));
  const blankRows = new Set(parsed.records.filter((r) => r.cells.every((c) => c === "")).map((r) => r.row));
  for (const row of rows) {
    if (row.predecessorsRaw.trim() === "") continue;
    const resolved = predecessorsBy === "title" ? resolveByTitle(row, rowsByTitle) : resolveByNumber(row, predecessorsBy, rowByNumber, blankRows);
    row.predecessorRows = [...new Set(resolved)];
    if (row.predecessorRows.includes(row.record.row)) {
      row.errors.push("A step can't be its own predecessor.");
      row.predecessorRows = row.predecessorRows.filter((n) => n !== row.record.row);
    }
  }

  // 3b. Row order is sequence: a step that names no predecessors follows the step above it in the
  // plan as it will be (phases in order of first appearance, rows in file order within a phase).
  // Every real plan we have seen orders by row; treating such steps as parallel forecast an 11-step,
  // 7 h plan at 3 h with every step "ready now".
  // An implied link that would close a cycle is left out: the predecessors the file names win.
  if (rowOrder === "sequence" && rows.length <= MAX_IMPORT_ROWS) {
    const inPlanOrder = phaseOrderOf(rows).flatMap(([, list]) => list);
    const byNumber = new Map(rows.map((r) => [r.record.row, r]));
    const dependsOn = (from: WorkingRow, target: number) => {
      const seen = new Set<number>();
      const stack = [...from.predecessorRows];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n === target) return true;
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(...(byNumber.get(n)?.predecessorRows ?? []));
      }
      return false;
    };
    // Rollback steps are their own sequence: they follow the rollback step above, never the
    // forward plan (they run only after a No-Go), and forward steps never wait for them.
    const lastOfTrack = new Map<"forward" | "rollback", WorkingRow>();
    for (const row of inPlanOrder) {
      const track = row.kind === "ROLLBACK" ? "rollback" : "forward";
      const above = lastOfTrack.get(track);
      lastOfTrack.set(track, row);
      if (!above || row.predecessorsRaw.trim() !== "") continue;
      if (dependsOn(above, row.record.row)) continue;
      row.predecessorRows = [above.record.row];
      row.predecessorFromRowOrder = true;
    }
  }

  // 4. No cycles (lib/platform/graph.ts), reported on every row of the cycle.
  const cycle = findCycle(new Map(rows.map((r) => [String(r.record.row), r.predecessorRows.map(String)])));
  if (cycle) {
    const path = cycle.map((n) => `row ${n}`).join(" → ");
    for (const n of new Set(cycle)) rowByNumber.get(Number(n))?.errors.push(`The predecessors form a cycle: ${path}.`);
  }

  // 5. Phases in order of first appearance; a phase named twice (A, B, A) is one phase.
  const phaseRows = new Map(phaseOrderOf(rows));
  const phaseOrder = [...phaseRows.keys()];
  const existing = new Set([...(options.existingPhaseTitles ?? [])].map(titleKey));
  const phases: ImportPhasePreview[] = phaseOrder.map((key) => {
    const list = phaseRows.get(key)!;
    return { title: list[0].phase, stepCount: list.length, plannedMinutes: list.reduce((t, r) => t + (r.plannedMinutes ?? 0), 0), existing: existing.has(key) };
  });
  if (phases.length > 50) fileLevel(`${phases.length} phases in one import; at most 50.`);

  for (const row of rows) for (const message of row.errors) errors.push({ row: row.record.row, message });
  if (durationColumn === null && rows.length > 0) {
    warnings.push({ row: null, message: `No column holds the planned duration: all ${rows.length} steps are imported as not estimated (${NOT_ESTIMATED_MINUTES} min); set their durations before relying on the forecast.` });
  }
  for (const row of rows) for (const message of row.warnings) warnings.push({ row: row.record.row, message });
  const totals = {
    plannedMinutes: rows.reduce((t, r) => t + (r.plannedMinutes ?? 0), 0),
    criticalPathMinutes: cycle ? null : longestPathMinutes(rows),
  };
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));

  const preview: ImportPreviewRow[] = rows.map((r) => ({
    row: r.record.row,
    sheetRow: r.record.sheetRow,
    phase: r.phase,
    title: r.title,
    team: r.team,
    assignee: r.assignee,
    plannedMinutes: r.plannedMinutes,
    kind: r.kind,
    predecessorRows: r.predecessorRows,
    predecessorFromRowOrder: r.predecessorFromRowOrder,
    estimated: r.estimated,
    errors: r.errors,
    warnings: r.warnings,
  }));
  if (errors.length > 0) return { rows: preview, phases, errors, warnings, totals, document: null, assigneeEmails: {} };

  const candidate = {
    format: "runsheet.runbook" as const,
    version: RUNBOOK_DOCUMENT_VERSION,
    name: options.name?.trim() || "Imported steps",
    description: "",
    phases: phaseOrder.map((key) => {
      const list = phaseRows.get(key)!;
      return {
        title: list[0].phase,
        description: "",
        inWindow: true,
        steps: list.map((r) => ({
          key: String(r.record.row),
          title: r.title,
          details: r.details,
          commands: r.commands,
          verification: r.verification,
          team: r.team,
          plannedMinutes: r.plannedMinutes!,
          kind: r.kind!,
          isFleet: false,
          fleetAction: null,
          predecessors: r.predecessorRows.map(String),
        })),
      };
    }),
  };
  // The checks above mirror the document schema; this is the backstop that keeps them honest.
  const document = runbookDocumentSchema.safeParse(candidate);
  if (!document.success) {
    const schemaErrors = document.error.issues.map((issue) => ({ row: null, message: `${issue.path.join(".")}: ${issue.message}` }));
    return { rows: preview, phases, errors: schemaErrors, warnings, totals, document: null, assigneeEmails: {} };
  }
  const assigneeEmails: Record<string, string> = {};
  for (const row of rows) if (row.assignee) assigneeEmails[String(row.record.row)] = row.assignee;
  return { rows: preview, phases, errors: [], warnings, totals, document: document.data, assigneeEmails };
}

/** Phases in order of first appearance; a phase named twice (A, B, A) is one phase. Keys are lower-cased titles. */
function phaseOrderOf(rows: WorkingRow[]): [string, WorkingRow[]][] {
  const phaseRows = new Map<string, WorkingRow[]>();
  for (const row of rows) {
    const key = titleKey(row.phase);
    if (!phaseRows.has(key)) phaseRows.set(key, []);
    phaseRows.get(key)!.push(row);
  }
  return [...phaseRows];
}

/** The critical path: the longest sum of planned minutes along predecessor chains. The graph must be acyclic. */
function longestPathMinutes(rows: WorkingRow[]): number {
  // Kahn's order rather than recursion: a 2 MB file can hold a chain far deeper than the stack.
  const successors = new Map<number, number[]>();
  const waiting = new Map<number, number>();
  const minutes = new Map(rows.map((r) => [r.record.row, r.plannedMinutes ?? 0]));
  for (const row of rows) {
    const preds = row.predecessorRows.filter((n) => minutes.has(n));
    waiting.set(row.record.row, preds.length);
    for (const n of preds) successors.set(n, [...(successors.get(n) ?? []), row.record.row]);
  }
  const start = new Map<number, number>();
  const ready = rows.filter((r) => waiting.get(r.record.row) === 0).map((r) => r.record.row);
  let longest = 0;
  while (ready.length > 0) {
    const n = ready.pop()!;
    const end = (start.get(n) ?? 0) + minutes.get(n)!;
    longest = Math.max(longest, end);
    for (const next of successors.get(n) ?? []) {
      start.set(next, Math.max(start.get(next) ?? 0, end));
      waiting.set(next, waiting.get(next)! - 1);
      if (waiting.get(next) === 0) ready.push(next);
    }
  }
  return longest;
}

/** "3", "3, 5", "3;5", "3FS", "row 3". Other dependency types and lags can't be represented. */
function resolveByNumber(row: WorkingRow, mode: "row" | "sheetRow", rowByNumber: Map<number, WorkingRow>, blankRows: Set<number>): number[] {
  const out: number[] = [];
  // Sheet row N is data row N - (header's sheet row): the offset is the same for every record.
  const offset = row.record.sheetRow - row.record.row;
  for (const token of row.predecessorsRaw.split(/[,;\n]+/).map((t) => t.trim()).filter(Boolean)) {
    const match = /^(?:row\s*)?(\d+)\s*([a-z]{2})?\s*([+-].*)?$/i.exec(token);
    if (!match) {
      row.errors.push(`The predecessor "${token}" is not a row number.`);
      continue;
    }
    const [, digits, type, lag] = match;
    if ((type && type.toUpperCase() !== "FS") || lag) {
      row.errors.push(`The predecessor "${token}" has a dependency type or lag; only finish-to-start without lag is supported. Write "${digits}".`);
      continue;
    }
    const number = Number(digits);
    const target = mode === "sheetRow" ? number - offset : number;
    const label = mode === "sheetRow" ? `spreadsheet row ${number}` : `row ${number}`;
    if (rowByNumber.has(target)) out.push(target);
    else if (blankRows.has(target)) row.errors.push(`The predecessor ${label} is a blank row.`);
    else if (mode === "sheetRow" && target <= 0) row.errors.push(`The predecessor ${label} is the header or above it.`);
    else row.errors.push(`Unknown predecessor: there is no ${label} in the file.`);
  }
  return out;
}

/** Titles separated by ";" or new lines; "A, B" is tried as one title first, then as two. */
function resolveByTitle(row: WorkingRow, rowsByTitle: Map<string, WorkingRow[]>): number[] {
  const out: number[] = [];
  const find = (title: string) => rowsByTitle.get(titleKey(title));
  for (const part of row.predecessorsRaw.split(/[;\n]+/).map((t) => t.trim()).filter(Boolean)) {
    const whole = find(part);
    if (whole) {
      out.push(...whole.map((r) => r.record.row));
      continue;
    }
    const pieces = part.split(",").map((t) => t.trim()).filter(Boolean);
    if (pieces.length > 1 && pieces.every((p) => find(p))) {
      for (const p of pieces) out.push(...find(p)!.map((r) => r.record.row));
      continue;
    }
    row.errors.push(`Unknown predecessor: no step is titled "${part}".`);
  }
  return out;
}

/** "Row 7: The title is empty." — how an error is shown outside the preview table. */
export function formatImportError(error: ImportRowError): string {
  return error.row === null ? error.message : `Row ${error.row}: ${error.message}`;
}
