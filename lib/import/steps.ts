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
import { MAX_LAG_MINUTES } from "../plan/timing";
import { unsafeCharacterProblem } from "../platform/validation";
import { foldName, matchOwner, type KnownUser } from "./owners";
import { guessPhaseWindow, type PhaseWindowGuess } from "./phase-window";
import { formatPlanTime, guessDateOrder, parsePlanTime, placePlanTimes, type DateOrder, type PlanTime } from "./plan-times";

export type { KnownUser } from "./owners";
export { PHASE_WINDOW_LABELS, type PhaseWindowGuess } from "./phase-window";
export type { DateOrder } from "./plan-times";

// ---------------------------------------------------------------- fields and options

export const IMPORT_FIELDS = ["id", "phase", "title", "details", "commands", "verification", "team", "assignee", "plannedMinutes", "start", "end", "predecessors", "kind"] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  id: "ID",
  phase: "Phase",
  title: "Title",
  details: "Details",
  commands: "Commands",
  verification: "Check (verification)",
  team: "Team",
  assignee: "Assignee (name or email)",
  plannedMinutes: "Planned duration",
  start: "Planned start",
  end: "Planned end",
  predecessors: "Predecessors",
  kind: "Kind",
};

/** Cells that must be one line. Titles and phases are collapsed to one line when read (a line break typed in an Excel cell is fine); the rest may hold line breaks or are parsed. */
const SINGLE_LINE_IMPORT_FIELDS: ReadonlySet<ImportField> = new Set(["team", "id"]);

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
    /** How the predecessors column refers to other rows. "id": the values of the ID column ("UK-3", "3FS+15m"). */
    predecessorsBy: z.enum(["row", "sheetRow", "title", "id"]),
    /** What a bare number in the duration column means. */
    durationUnit: z.enum(["minutes", "hours"]),
    /**
     * "sequence" (the default): a step without predecessors follows the step above it, because
     * real plans express order by row. "parallel": such a step can start at once.
     */
    rowOrder: z.enum(["sequence", "parallel"]).optional(),
    /** How "05/12/2026" in the start and end columns reads; guessed from the values. */
    dateOrder: z.enum(["dayFirst", "monthFirst"]).optional(),
    /** Per phase title: inside the downtime window or not, overriding the guess from its words. */
    phaseWindow: z.record(z.string().max(200), z.boolean()).refine((r) => Object.keys(r).length <= 50, "At most 50 phases.").optional(),
    /** Columns without a header that hold nothing to import (0-based, like the mapping). */
    ignoreColumns: z.array(z.number().int().min(0).max(MAX_COLUMNS * 2)).max(MAX_COLUMNS).optional(),
  })
  .strict();
export type StepImportOptions = z.infer<typeof stepImportOptionsSchema>;

export const ROW_ORDER_LABELS: Record<NonNullable<StepImportOptions["rowOrder"]>, string> = {
  sequence: "Steps without predecessors follow the row above",
  parallel: "Steps without predecessors run in parallel",
};

export const PREDECESSOR_MODE_LABELS: Record<StepImportOptions["predecessorsBy"], string> = {
  id: "IDs from the ID column (\"UK-3\", \"3FS+15m\")",
  row: "Row numbers (1 = first row under the header, as in Smartsheet)",
  sheetRow: "Spreadsheet row numbers (the header is row 1, as in Excel)",
  title: "Step titles",
};

export const DATE_ORDER_LABELS: Record<DateOrder, string> = {
  dayFirst: "Day first (05/12/2026 is 5 December)",
  monthFirst: "Month first (05/12/2026 is May 12)",
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

/**
 * Header names we recognise, compared after lower-casing and dropping everything but letters and
 * digits ("#" is kept as itself). Each list is in order of preference: with both "Phase" and
 * "Group", the phase is "Phase" and "Group" is left for the team.
 */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  id: ["id", "#", "taskid", "stepid", "activityid", "itemid", "uniqueid", "ref", "reference", "no", "nr", "num", "number", "stepno", "stepnumber", "taskno", "tasknumber", "wbs", "seq", "key", "step", "activity", "task", "item"],
  phase: ["phase", "phasename", "stage", "section", "group", "parent", "block"],
  title: ["title", "steptitle", "stepname", "taskname", "task", "name", "activityname", "activity", "step", "summary", "action", "item", "description", "taskdescription", "stepdescription", "activitydescription"],
  details: ["details", "detail", "description", "notes", "note", "comments", "comment", "instructions", "remarks"],
  commands: ["commands", "command", "cmd", "cmds", "script", "shell"],
  verification: ["verification", "verify", "check", "checks", "validation", "successcriteria", "howtoverify", "proof"],
  team: ["team", "responsibleteam", "ownerteam", "ownerteams", "workstream", "stream", "group", "department", "host", "server", "role"],
  assignee: ["assignee", "assigneeemail", "assignedto", "assigned", "owner", "owneremail", "ownername", "responsible", "responsibleperson", "resource", "resourcenames", "person", "who", "email"],
  plannedMinutes: ["plannedminutes", "minutes", "mins", "min", "duration", "durationmin", "durationmins", "durationminutes", "plannedduration", "estimate", "estimatedminutes", "planned", "time"],
  start: ["start", "plannedstart", "starttime", "plannedstarttime", "startdate", "startdatetime", "begin", "plannedbegin", "scheduledstart", "from"],
  end: ["end", "finish", "plannedfinish", "plannedend", "endtime", "plannedendtime", "finishtime", "enddate", "finishdate", "enddatetime", "scheduledend", "scheduledfinish", "to"],
  predecessors: ["predecessors", "predecessor", "predecessorids", "dependson", "dependencies", "dependency", "depends", "after", "preds"],
  kind: ["kind", "type", "steptype", "tasktype", "category"],
};

/** Headers that are an ID column only when the values below them are short codes ("Step" over 1…11). */
const ID_IF_CODES = new Set(["step", "activity", "task", "item", "no", "nr", "num", "number", "key"]);

/** Looser clues for headers such as "Duration (min)" or "Owner e-mail". */
const HEADER_HINTS: [ImportField, RegExp][] = [
  ["predecessors", /predecessor|depend/],
  ["plannedMinutes", /minute|duration|estimate|hours?$/],
  ["start", /\bstart|\bbegin/],
  ["end", /\bend\b|\bfinish/],
  ["team", /team|workstream/],
  ["assignee", /e-?mail|assign|owner|responsible/],
  ["verification", /verif|check/],
  ["commands", /command/],
  ["phase", /phase|stage/],
  ["id", /^(task|step|activity)?\s*(id|#|no\.?|nr\.?)$/],
  ["title", /title|task|step/],
  ["details", /detail|descr|note/],
];

/** The order fields pick their column in: the ID before the title (so a "Step" of numbers is the ID), the phase before the team. */
const MAPPING_ORDER: ImportField[] = ["id", "title", "phase", "predecessors", "plannedMinutes", "start", "end", "assignee", "team", "kind", "commands", "verification", "details"];

const CODE = /^[a-z]{0,8}[-_./ ]?\d+(?:[-.]\d+)*[a-z]?$/i;
/** Short codes or numbers ("UK-12", "3", "1.2.1", "T-004"), not words: at least 80 % of the filled cells. Null for a column without values. */
function looksLikeCodes(values: readonly string[]): boolean | null {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (filled.length === 0) return null;
  return filled.filter((v) => v.length <= 16 && CODE.test(v)).length >= filled.length * 0.8;
}

const headerKey = (header: string) => (header.trim() === "#" ? "#" : normaliseHeader(header));

/**
 * A first guess at the mapping from the header names and, when given, the values below them; the
 * user corrects it in the form. A column of short codes under "Step", "Activity" or "Task" is the
 * ID, never the title, and the title is then the wordier column ("Description").
 */
export function guessColumnMapping(headers: readonly string[], records: readonly { cells: string[] }[] = []): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<number>();
  const keys = headers.map(headerKey);
  const codes = headers.map((_, i) => looksLikeCodes(records.map((r) => r.cells[i] ?? "")));
  const fits = (field: ImportField, index: number) => {
    if (field === "id" && ID_IF_CODES.has(keys[index])) return codes[index] === true;
    // "Title" or "Task name" is the title whatever it holds; "Step" or "Task" only when it holds words.
    if (field === "title" && ID_IF_CODES.has(keys[index])) return codes[index] !== true;
    return true;
  };
  for (const field of MAPPING_ORDER) {
    for (const alias of HEADER_ALIASES[field]) {
      const index = keys.findIndex((key, i) => key === alias && key !== "" && !used.has(i) && fits(field, i));
      if (index >= 0) {
        mapping[field] = index;
        used.add(index);
        break;
      }
    }
  }
  headers.forEach((header, index) => {
    if (used.has(index)) return;
    const key = header.toLowerCase().trim();
    for (const [field, pattern] of HEADER_HINTS) {
      if (mapping[field] === undefined && pattern.test(key) && fits(field, index)) {
        mapping[field] = index;
        used.add(index);
        return;
      }
    }
  });
  return mapping;
}

/** "Duration (hours)", "Est. h": bare numbers in that column are hours. */
export function guessDurationUnit(header: string | undefined): StepImportOptions["durationUnit"] {
  if (!header) return "minutes";
  return /hour|hrs?\b|\(h\)|\bh$/i.test(header) ? "hours" : "minutes";
}

/**
 * How the predecessors column refers to steps: by ID when an ID column is mapped and the values
 * name its IDs ("UK-3", "3FS+15m"), by row number when they are numbers, else by title.
 */
export function guessPredecessorMode(parsed: ParsedCsv, column: number | null | undefined, idColumn?: number | null): StepImportOptions["predecessorsBy"] {
  if (column === null || column === undefined) return idColumn === null || idColumn === undefined ? "row" : "id";
  const values = parsed.records.map((r) => r.cells[column] ?? "").filter((v) => v.trim() !== "");
  if (values.length === 0) return idColumn === null || idColumn === undefined ? "row" : "id";
  if (idColumn !== null && idColumn !== undefined) {
    const ids = new Set(parsed.records.map((r) => (r.cells[idColumn] ?? "").trim().toLowerCase()).filter(Boolean));
    const tokens = values.flatMap((v) => splitPredecessors(v));
    // IDs the column holds, or codes like them ("UK-9" with a typo is still meant as an ID).
    const matching = tokens.filter((t) => splitIdToken(t, ids) !== null || ID_LIKE_TOKEN.test(t)).length;
    if (tokens.length > 0 && matching >= tokens.length / 2) return "id";
  }
  const numeric = values.filter((v) => PREDECESSOR_TOKENS_NUMERIC.test(v)).length;
  return numeric >= values.length / 2 ? "row" : "title";
}
const ID_LIKE_TOKEN = /^[a-z]{0,8}[-_.]?\d+(?:[-.]\d+)*\s*(?:fs|ss|ff|sf)?\s*(?:[+-].*)?$/i;
const PREDECESSOR_TOKENS_NUMERIC = /^\s*(row\s*)?\d+\s*([FS]{2})?(\s*[+-]\s*\S+)?(\s*[,;\n]\s*(row\s*)?\d+\s*([FS]{2})?(\s*[+-]\s*\S+)?)*\s*$/i;

/** Columns with values but no header: an empty header cell, or cells to the right of the last header. */
export function headerlessColumns(parsed: ParsedCsv): { index: number; label: string; rows: number[]; beyondHeader: boolean }[] {
  const width = Math.min(Math.max(parsed.headers.length, ...parsed.records.map((r) => r.cells.length)), MAX_COLUMNS * 2);
  const out: { index: number; label: string; rows: number[]; beyondHeader: boolean }[] = [];
  for (let index = 0; index < width; index++) {
    if (index < parsed.headers.length && parsed.headers[index].trim() !== "") continue;
    const rows = parsed.records.filter((r) => (r.cells[index] ?? "").trim() !== "").map((r) => r.row);
    if (rows.length > 0) out.push({ index, label: `Column ${index + 1} (no header)`, rows, beyondHeader: index >= parsed.headers.length });
  }
  return out;
}

export function defaultImportOptions(parsed: ParsedCsv): StepImportOptions {
  const mapping = guessColumnMapping(parsed.headers, parsed.records);
  const timeValues = [mapping.start, mapping.end].flatMap((c) => (c === undefined || c === null ? [] : parsed.records.map((r) => r.cells[c] ?? "")));
  return {
    mapping,
    predecessorsBy: guessPredecessorMode(parsed, mapping.predecessors, mapping.id),
    durationUnit: guessDurationUnit(mapping.plannedMinutes !== undefined && mapping.plannedMinutes !== null ? parsed.headers[mapping.plannedMinutes] : undefined),
    rowOrder: "sequence",
    // Left unset when the values can't tell: the preview then says which way it read them.
    ...(guessDateOrder(timeValues).ambiguous ? {} : { dateOrder: guessDateOrder(timeValues).order }),
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
  gonogodecision: "GATE",
  checkpoint: "MILESTONE",
  approval: "GATE",
  milestone: "MILESTONE",
  ms: "MILESTONE",
  rollback: "ROLLBACK",
  backout: "ROLLBACK",
  fallback: "ROLLBACK",
  revert: "ROLLBACK",
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
  /** The column it is about, as shown: `column "Duration"`, `column 7 (no header)`; null when it is about the row or the file. */
  column?: string | null;
  message: string;
}

export interface ImportPreviewRow {
  row: number;
  sheetRow: number;
  /** The ID column's value ("UK-3"), "" without one. */
  id: string;
  phase: string;
  title: string;
  team: string;
  /** Lower-cased email of the user the step is assigned to, "" for none. */
  assignee: string;
  /** The user's name when the owner cell named them by name. */
  assigneeName: string;
  /** The owner cell when it names no single active user: kept as text. */
  owner: string;
  plannedMinutes: number | null;
  /** "22:00 → 23:30" from the start and end columns, "" without them. */
  plannedTime: string;
  kind: StepKindName | null;
  /** Data row numbers of the predecessors that could be resolved. */
  predecessorRows: number[];
  /** The only predecessor is the step above, because the row names none (row order is sequence). */
  predecessorFromRowOrder: boolean;
  /** False when the duration was blank, "TBD", "?"… or there is no duration column. */
  estimated: boolean;
  /** Each names its column: `column "Duration": …`. */
  errors: string[];
  warnings: string[];
}

export interface ImportPhasePreview {
  title: string;
  stepCount: number;
  plannedMinutes: number;
  /** A phase of the project has this title: the steps are added to the end of it. */
  existing: boolean;
  /** What its words say (before, inside, after the window). */
  windowGuess: PhaseWindowGuess;
  /** The guess, or the user's switch (`phaseWindow`). */
  inWindow: boolean;
}

export interface StepImportResult {
  rows: ImportPreviewRow[];
  phases: ImportPhasePreview[];
  errors: ImportRowError[];
  /** Imported anyway, but the user should know (a range, "TBD", no duration column). Each names the row and column. */
  warnings: ImportRowError[];
  totals: {
    /** Sum of the planned minutes. */
    plannedMinutes: number;
    /** The longest chain of predecessors, lags included (null while there is a cycle). */
    criticalPathMinutes: number | null;
    /** The same over the forward steps of the phases inside the window: what the forecast counts. */
    windowCriticalPathMinutes: number | null;
  };
  /** Owner cells that name no single active user, with the rows that hold them. */
  unmatchedOwners: { owner: string; rows: number[]; ambiguous: boolean }[];
  /** Columns with values and no header, and whether they are ignored. */
  headerless: { index: number; label: string; rows: number[]; beyondHeader: boolean; ignored: boolean }[];
  /** Present only when there are no errors. Keys are the row numbers. */
  document: RunbookDocument | null;
  /** Lower-cased assignee email by step key (row number). */
  assigneeEmails: Record<string, string>;
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
const titleKey = (title: string) => collapse(title).toLowerCase();

interface Problem {
  column: string | null;
  message: string;
}

interface WorkingRow {
  record: CsvRecord;
  id: string;
  phase: string;
  title: string;
  details: string;
  /** Lines added under the details: what the plan said that has no field of its own. */
  notes: string[];
  commands: string;
  verification: string;
  team: string;
  assignee: string;
  assigneeName: string;
  owner: string;
  ownerAmbiguous: boolean;
  plannedMinutes: number | null;
  plannedTime: string;
  kind: StepKindName | null;
  predecessorsRaw: string;
  predecessorRows: number[];
  /** Minutes after a predecessor's end the plan wants this step to start (lag), by predecessor row. */
  lagAfter: Map<number, number>;
  predecessorFromRowOrder: boolean;
  estimated: boolean;
  errors: Problem[];
  warnings: Problem[];
}

const ROLLBACK_PHASE = /\b(roll-?back|back-?out|fall-?back|revert)\b/i;

/**
 * Checks every row and builds the document. `knownUsers` are the active users (name and email),
 * `knownEmails` the same emails for callers that only have those (any case); pass null for both to
 * skip the check (the server always passes them). `existingPhaseTitles` only marks phases in the
 * preview that will receive steps rather than be created.
 */
export function validateStepImport(options: {
  parsed: ParsedCsv;
  options: StepImportOptions;
  knownEmails: Iterable<string> | null;
  knownUsers?: readonly KnownUser[] | null;
  existingPhaseTitles?: Iterable<string>;
  name?: string;
}): StepImportResult {
  const { parsed } = options;
  const { mapping, predecessorsBy, durationUnit } = options.options;
  const rowOrder = options.options.rowOrder ?? "sequence";
  const warnings: ImportRowError[] = [];
  const noTotals = { plannedMinutes: 0, criticalPathMinutes: null, windowCriticalPathMinutes: null };
  const errors: ImportRowError[] = parsed.fileErrors.map((message) => ({ row: null, message }));
  const fileLevel = (message: string) => errors.push({ row: null, message });
  const ignored = new Set(options.options.ignoreColumns ?? []);
  const headerless = headerlessColumns(parsed).map((c) => ({ ...c, ignored: ignored.has(c.index) }));
  const empty = (extra: Partial<StepImportResult> = {}): StepImportResult => ({ rows: [], phases: [], errors, warnings, totals: noTotals, unmatchedOwners: [], headerless, document: null, assigneeEmails: {}, ...extra });

  const mapped = (field: ImportField) => (mapping[field] === undefined || mapping[field] === null ? null : mapping[field]!);
  for (const field of REQUIRED_IMPORT_FIELDS) {
    if (mapped(field) === null) fileLevel(`Choose the column that holds the ${IMPORT_FIELD_LABELS[field].toLowerCase()}.`);
  }
  const mappedColumns = IMPORT_FIELDS.map(mapped).filter((c): c is number => c !== null);
  for (const column of mappedColumns) {
    if (column >= parsed.headers.length) fileLevel(`Column ${column + 1} is mapped, but the header has only ${parsed.headers.length} columns.`);
    else if (ignored.has(column)) fileLevel(`Column ${column + 1} is mapped and ignored at the same time; choose one.`);
  }
  const duplicated = mappedColumns.filter((c, i) => mappedColumns.indexOf(c) !== i);
  for (const column of new Set(duplicated)) {
    const fields = IMPORT_FIELDS.filter((f) => mapping[f] === column).map((f) => IMPORT_FIELD_LABELS[f]);
    fileLevel(`The column "${parsed.headers[column] || `Column ${column + 1}`}" is mapped to ${fields.join(" and ")}; map each column once.`);
  }
  if (predecessorsBy === "id" && mapped("predecessors") !== null && mapped("id") === null) fileLevel("Predecessors refer to IDs, but no column is chosen as the ID; choose it, or how else the predecessors refer to steps.");
  if (errors.length > 0) return empty();

  /** `column "Duration"` or `column 7 (no header)`: how every message names its column. */
  const columnName = (index: number) => (parsed.headers[index]?.trim() ? `column "${parsed.headers[index]}"` : `column ${index + 1} (no header)`);
  const fieldColumn = (field: ImportField) => (mapped(field) === null ? null : columnName(mapped(field)!));
  const durationColumn = mapped("plannedMinutes");
  const startColumn = mapped("start");
  const endColumn = mapped("end");
  const dateOrder = options.options.dateOrder ?? guessDateOrder(parsed.records.flatMap((r) => [startColumn, endColumn].flatMap((c) => (c === null ? [] : [r.cells[c] ?? ""])))).order;

  const users: KnownUser[] | null = options.knownUsers ? [...options.knownUsers] : null;
  const known = options.knownEmails || users ? new Set([...(options.knownEmails ?? []), ...(users ?? []).map((u) => u.email)].map((e) => e.trim().toLowerCase())) : null;
  const cell = (record: CsvRecord, field: ImportField) => {
    const column = mapped(field);
    return column === null ? "" : (record.cells[column] ?? "");
  };

  for (const column of headerless) {
    if (column.beyondHeader || column.ignored || mappedColumns.includes(column.index)) continue;
    warnings.push({
      row: null,
      column: columnName(column.index),
      message: `has values (row${column.rows.length === 1 ? "" : "s"} ${listRows(column.rows)}) but no header: choose it for a field above, or ignore it.`,
    });
  }
  for (const column of headerless) {
    if (column.beyondHeader && column.ignored) warnings.push({ row: null, column: columnName(column.index), message: `is ignored: its values in row${column.rows.length === 1 ? "" : "s"} ${listRows(column.rows)} are not imported.` });
  }

  // 1. Read each non-blank row on its own.
  const rows: WorkingRow[] = [];
  const times: { start: PlanTime | null; end: PlanTime | null }[] = [];
  let currentPhase = DEFAULT_IMPORT_PHASE;
  for (const record of parsed.records) {
    if (record.cells.every((c) => c === "")) continue;
    const rowErrors: Problem[] = [];
    const rowWarnings: Problem[] = [];
    const problem = (field: ImportField | null, message: string) => rowErrors.push({ column: field === null ? null : fieldColumn(field), message });
    const warn = (field: ImportField | null, message: string) => rowWarnings.push({ column: field === null ? null : fieldColumn(field), message });
    if (record.quoteError) problem(null, UNCLOSED_QUOTE_MESSAGE);
    for (let index = parsed.headers.length; index < record.cells.length; index++) {
      const value = record.cells[index];
      if (value === "" || ignored.has(index)) continue;
      rowErrors.push({
        column: columnName(index),
        message: `Column ${index + 1} has no header, but this row has "${value.length > 40 ? `${value.slice(0, 40)}…` : value}" in it. Ignore column ${index + 1} if it holds nothing to import; if a value in this row contains "${delimiterLabel(parsed.delimiter)}", put it in double quotes.`,
      });
    }
    const badCell = record.cells.findIndex((c) => encodingProblem(c) !== null);
    if (badCell >= 0) rowErrors.push({ column: columnName(badCell), message: `It ${encodingProblem(record.cells[badCell])}` });

    const phaseCell = collapse(cell(record, "phase"));
    if (phaseCell !== "") currentPhase = phaseCell;
    const title = collapse(cell(record, "title"));
    if (title === "") problem("title", "The title is empty.");
    else if (title.length > 200) problem("title", `The title is ${title.length} characters long; at most 200.`);
    if (currentPhase.length > 200) problem("phase", "The phase name is longer than 200 characters.");

    // The same characters every form refuses (lib/platform/validation.ts), named with the row here.
    // A NUL here usually means UTF-16, which the encoding check above already says.
    if (badCell < 0) for (const field of IMPORT_FIELDS) {
      const unsafe = unsafeCharacterProblem(cell(record, field), { multiline: !SINGLE_LINE_IMPORT_FIELDS.has(field) });
      if (unsafe) problem(field, `The ${IMPORT_FIELD_LABELS[field].toLowerCase()} ${unsafe}`);
    }

    const limits: [ImportField, number][] = [["details", 20_000], ["commands", 20_000], ["verification", 5000], ["team", 60], ["id", 40]];
    for (const [field, max] of limits) {
      if (cell(record, field).length > max) problem(field, `The ${IMPORT_FIELD_LABELS[field].toLowerCase()} is longer than ${max} characters.`);
    }

    let plannedMinutes: number | null = NOT_ESTIMATED_MINUTES;
    let estimated = false;
    const notes: string[] = [];
    // The plan's own ID stays with the step, so the record can be read next to the original plan.
    // A running number equal to the row number says nothing more.
    const id = collapse(cell(record, "id"));
    if (id !== "" && id !== String(record.row)) notes.push(`ID in the imported plan: ${id}`);
    if (durationColumn !== null) {
      const duration = parsePlannedDuration(cell(record, "plannedMinutes"), durationUnit);
      if (duration.ok) {
        plannedMinutes = duration.minutes;
        estimated = duration.estimated;
        if (duration.warning) warn("plannedMinutes", duration.warning);
        // What the plan said stays with the step, so "5-10 min" isn't silently 10 min forever.
        if (duration.original) notes.push(`Planned duration in the imported plan: ${duration.original}`);
      } else {
        plannedMinutes = null;
        problem("plannedMinutes", duration.message);
      }
    }

    const time = { start: null as PlanTime | null, end: null as PlanTime | null };
    for (const field of ["start", "end"] as const) {
      if (mapped(field) === null) continue;
      const parsedTime = parsePlanTime(cell(record, field), dateOrder);
      if (!parsedTime.ok) problem(field, parsedTime.message);
      else time[field] = parsedTime.value;
      if (parsedTime.ok && parsedTime.value?.kind === "date") warn(field, `"${cell(record, field).trim()}" is a date without a time of day: kept in the details, but no duration or clock time comes from it.`);
    }
    times.push(time);

    const kindCell = cell(record, "kind").trim();
    let kind = parseKind(kindCell);
    if (kind === null) {
      warn("kind", `"${kindCell}" is not a kind Runsheet knows (task, go/no-go gate, milestone, rollback): imported as a task.`);
      notes.push(`Kind in the imported plan: ${kindCell}`);
      kind = "TASK";
    } else if (kindCell === "" && ROLLBACK_PHASE.test(currentPhase)) {
      // A plan's rollback section: its steps run only after a No-Go, so they are rollback steps.
      kind = "ROLLBACK";
    }


    let assignee = "";
    let assigneeName = "";
    let owner = "";
    let ownerAmbiguous = false;
    let ownerIsUser = false;
    const ownerCell = collapse(cell(record, "assignee"));
    if (ownerCell !== "") {
      if (/^\S+@\S+$/.test(ownerCell)) {
        const email = ownerCell.toLowerCase();
        if (!emailSchema.safeParse(email).success) problem("assignee", `The assignee "${ownerCell}" is not an email address.`);
        else if (known && !known.has(email)) problem("assignee", `No active user has the email "${email}".`);
        else {
          const cannot = users?.find((u) => u.email.toLowerCase() === email && u.problem)?.problem;
          if (cannot) {
            owner = ownerCell;
            ownerIsUser = true;
            warn("assignee", `${cannot.replace(/\.$/, "")}: not assigned; kept as owner text.`);
          } else assignee = email;
        }
      } else if (users) {
        const match = matchOwner(ownerCell, users);
        if (match.kind === "user" && match.user.problem) {
          owner = ownerCell;
          ownerIsUser = true;
          warn("assignee", `${match.user.problem.replace(/\.$/, "")}: not assigned; kept as owner text.`);
        } else if (match.kind === "user") {
          assignee = match.user.email.toLowerCase();
          assigneeName = match.user.name;
        } else {
          owner = ownerCell;
          ownerAmbiguous = match.kind === "ambiguous";
          warn(
            "assignee",
            match.kind === "ambiguous"
              ? `"${ownerCell}" could be ${match.users.map((u) => `${u.name} (${u.email})`).join(" or ")}: not assigned; kept as owner text. Write the email to choose.`
              : `"${ownerCell}" is not the name or email of an active user: not assigned; kept as owner text.`,
          );
        }
      } else if (!emailSchema.safeParse(ownerCell).success) {
        // No user list (a preview before it has loaded): names can't be matched yet.
        owner = ownerCell;
      }
      if (owner) notes.push(`Owner in the imported plan: ${owner}`);
    }
    // The team is what a run page shows next to each step, so an unmatched owner stays in sight
    // there when the plan names no team ("Unix team" in an Owner column); the preview lists it as
    // a new team first. A person who is a user (a viewer here) is not made a team.
    let team = cell(record, "team");
    if (team.trim() === "" && owner !== "" && !ownerIsUser && owner.length <= 60) team = owner;

    rows.push({
      record,
      id,
      phase: currentPhase,
      title,
      details: cell(record, "details"),
      notes,
      commands: cell(record, "commands"),
      verification: cell(record, "verification"),
      team,
      assignee,
      assigneeName,
      owner,
      ownerAmbiguous,
      plannedMinutes,
      plannedTime: "",
      kind,
      predecessorsRaw: cell(record, "predecessors"),
      predecessorRows: [],
      lagAfter: new Map(),
      predecessorFromRowOrder: false,
      estimated,
      errors: rowErrors,
      warnings: rowWarnings,
    });
  }

  if (rows.length === 0) fileLevel("There are no steps under the header.");
  if (rows.length > MAX_IMPORT_ROWS) fileLevel(`${rows.length} steps in one import; at most ${MAX_IMPORT_ROWS}. Split the file.`);

  // 1b. Start and end: the planned clock time, and the duration when no column gives it.
  if (startColumn !== null || endColumn !== null) {
    const placed = placePlanTimes(times);
    const withDate = times.some((t) => t.start?.kind === "datetime" || t.end?.kind === "datetime");
    rows.forEach((row, i) => {
      const { start, end, endNextDay } = placed[i];
      const dated = times[i].start?.kind === "datetime" || times[i].end?.kind === "datetime";
      const parts: string[] = [];
      if (start !== null) parts.push(formatPlanTime(start, dated));
      if (end !== null) {
        const sameDay = start !== null && Math.floor(start / 1440) === Math.floor(end / 1440);
        parts.push(`${formatPlanTime(end, dated && !sameDay)}${endNextDay && !dated ? " (next day)" : ""}`);
      }
      const dateOnly = [times[i].start, times[i].end].filter((t) => t?.kind === "date").map((t) => formatPlanTime(t!.minutes, true).slice(0, 10));
      row.plannedTime = parts.length ? parts.join(" → ") : dateOnly.join(" → ");
      if (row.plannedTime) row.notes.push(`${withDate || dated ? "Planned time" : "Planned clock time"} in the imported plan: ${row.plannedTime}`);
      if (start === null || end === null) return;
      const span = end - start;
      const spanColumn = `${fieldColumn("start")} and ${fieldColumn("end")}`;
      if (span < 0) {
        row.errors.push({ column: fieldColumn("end"), message: `The step ends (${formatPlanTime(end, dated)}) before it starts (${formatPlanTime(start, dated)}).` });
      } else if (span > MAX_STEP_MINUTES) {
        row.errors.push({ column: spanColumn, message: `From start to end is ${Math.round(span / 60)} h; a step is at most ${MAX_STEP_MINUTES} minutes (24 h); split it.` });
      } else if (durationColumn === null || (!row.estimated && row.plannedMinutes === NOT_ESTIMATED_MINUTES && cell(row.record, "plannedMinutes").trim() === "")) {
        row.plannedMinutes = span;
        row.estimated = true;
      } else if (row.plannedMinutes !== null && row.plannedMinutes !== span) {
        row.warnings.push({ column: fieldColumn("plannedMinutes"), message: `It says ${row.plannedMinutes} min, but from start to end is ${span} min: the duration column is used.` });
      }
    });
    // Blank durations filled from start and end are estimates after all: drop the "not estimated" warning.
    for (const row of rows) if (row.estimated) row.warnings = row.warnings.filter((w) => !(w.column === fieldColumn("plannedMinutes") && /not estimated/.test(w.message)));
    const ambiguity = guessDateOrder(parsed.records.flatMap((r) => [startColumn, endColumn].flatMap((c) => (c === null ? [] : [r.cells[c] ?? ""]))));
    if (ambiguity.ambiguous && options.options.dateOrder === undefined) {
      warnings.push({ row: null, column: startColumn !== null ? fieldColumn("start") : fieldColumn("end"), message: `Dates such as 05/12/2026 could be day first or month first; read as ${dateOrder === "dayFirst" ? "day first (5 December)" : "month first (May 12)"}. Check it above.` });
    }
  }

  // 2. Titles must be unique when predecessors name them; IDs when predecessors refer to IDs.
  const rowsByTitle = new Map<string, WorkingRow[]>();
  for (const row of rows) if (row.title !== "") rowsByTitle.set(titleKey(row.title), [...(rowsByTitle.get(titleKey(row.title)) ?? []), row]);
  const hasPredecessors = mapped("predecessors") !== null;
  if (predecessorsBy === "title" && hasPredecessors) {
    for (const same of rowsByTitle.values()) {
      if (same.length < 2) continue;
      for (const row of same) {
        const others = same.filter((r) => r !== row).map((r) => r.record.row);
        row.errors.push({ column: fieldColumn("title"), message: `The title "${row.title}" is also on row${others.length > 1 ? "s" : ""} ${others.join(", ")}; predecessors are given by title, so titles must be unique.` });
      }
    }
  }
  const rowsById = new Map<string, WorkingRow[]>();
  for (const row of rows) if (row.id !== "") rowsById.set(row.id.toLowerCase(), [...(rowsById.get(row.id.toLowerCase()) ?? []), row]);
  if (predecessorsBy === "id" && hasPredecessors) {
    for (const same of rowsById.values()) {
      if (same.length < 2) continue;
      for (const row of same) {
        const others = same.filter((r) => r !== row).map((r) => r.record.row);
        row.errors.push({ column: fieldColumn("id"), message: `The ID "${row.id}" is also on row${others.length > 1 ? "s" : ""} ${others.join(", ")}; predecessors refer to IDs, so IDs must be unique.` });
      }
    }
  }

  // 3. Resolve predecessors to rows of the file.
  const rowByNumber = new Map(rows.map((r) => [r.record.row, r]));
  const blankRows = new Set(parsed.records.filter((r) => r.cells.every((c) => c === "")).map((r) => r.row));
  const predecessorColumn = fieldColumn("predecessors");
  for (const row of rows) {
    if (row.predecessorsRaw.trim() === "") continue;
    const resolved =
      predecessorsBy === "title"
        ? resolveByTitle(row, rowsByTitle, predecessorColumn)
        : predecessorsBy === "id"
          ? resolveById(row, rowsById, predecessorColumn)
          : resolveByNumber(row, predecessorsBy, rowByNumber, blankRows, predecessorColumn);
    row.predecessorRows = [...new Set(resolved)];
    if (row.predecessorRows.includes(row.record.row)) {
      row.errors.push({ column: predecessorColumn, message: "A step can't be its own predecessor." });
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
    for (const n of new Set(cycle)) rowByNumber.get(Number(n))?.errors.push({ column: predecessorColumn, message: `The predecessors form a cycle: ${path}.` });
  }

  // 5. Phases in order of first appearance; a phase named twice (A, B, A) is one phase. Inside
  // the window or not from the phase's words, unless the preview's switch says otherwise.
  const phaseRows = new Map(phaseOrderOf(rows));
  const phaseOrder = [...phaseRows.keys()];
  const existing = new Set([...(options.existingPhaseTitles ?? [])].map(titleKey));
  const overrides = new Map(Object.entries(options.options.phaseWindow ?? {}).map(([title, inWindow]) => [titleKey(title), inWindow]));
  const phases: ImportPhasePreview[] = phaseOrder.map((key) => {
    const list = phaseRows.get(key)!;
    const windowGuess = guessPhaseWindow(list[0].phase);
    return {
      title: list[0].phase,
      stepCount: list.length,
      plannedMinutes: list.reduce((t, r) => t + (r.plannedMinutes ?? 0), 0),
      existing: existing.has(key),
      windowGuess,
      inWindow: overrides.get(key) ?? windowGuess === "inside",
    };
  });
  if (phases.length > 50) fileLevel(`${phases.length} phases in one import; at most 50.`);

  const withColumn = (row: number | null) => (p: Problem): ImportRowError => ({ row, column: p.column, message: p.message });
  for (const row of rows) errors.push(...row.errors.map(withColumn(row.record.row)));
  if (durationColumn === null && rows.length > 0) {
    const unestimated = rows.filter((r) => !r.estimated).length;
    if (unestimated > 0) {
      warnings.push({
        row: null,
        message:
          unestimated === rows.length
            ? `No column holds the planned duration: all ${rows.length} steps are imported as not estimated (${NOT_ESTIMATED_MINUTES} min); set their durations before relying on the forecast.`
            : `No column holds the planned duration and ${unestimated} step${unestimated === 1 ? " has" : "s have"} no start and end to take it from: imported as not estimated (${NOT_ESTIMATED_MINUTES} min).`,
      });
    }
  }
  for (const row of rows) warnings.push(...row.warnings.map(withColumn(row.record.row)));
  const inWindowRows = new Set(phases.filter((p) => p.inWindow).flatMap((p) => phaseRows.get(titleKey(p.title))!.map((r) => r.record.row)));
  const totals = {
    plannedMinutes: rows.reduce((t, r) => t + (r.plannedMinutes ?? 0), 0),
    criticalPathMinutes: cycle ? null : longestPathMinutes(rows),
    // The window's forecast counts the forward steps of in-window phases: what happens before or
    // after the window doesn't take downtime, and rollback steps run only after a No-Go.
    windowCriticalPathMinutes: cycle ? null : longestPathMinutes(rows.filter((r) => inWindowRows.has(r.record.row) && r.kind !== "ROLLBACK")),
  };
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));

  const ownerRows = new Map<string, { owner: string; rows: number[]; ambiguous: boolean }>();
  for (const row of rows) {
    if (!row.owner) continue;
    const key = foldName(row.owner);
    const entry = ownerRows.get(key) ?? { owner: row.owner, rows: [], ambiguous: row.ownerAmbiguous };
    entry.rows.push(row.record.row);
    ownerRows.set(key, entry);
  }
  const unmatchedOwners = users ? [...ownerRows.values()] : [];

  const describe = (p: Problem) => (p.column ? `${capitalise(p.column)}: ${p.message}` : p.message);
  const preview: ImportPreviewRow[] = rows.map((r) => ({
    row: r.record.row,
    sheetRow: r.record.sheetRow,
    id: r.id,
    phase: r.phase,
    title: r.title,
    team: r.team,
    assignee: r.assignee,
    assigneeName: r.assigneeName,
    owner: r.owner,
    plannedMinutes: r.plannedMinutes,
    plannedTime: r.plannedTime,
    kind: r.kind,
    predecessorRows: r.predecessorRows,
    predecessorFromRowOrder: r.predecessorFromRowOrder,
    estimated: r.estimated,
    errors: r.errors.map(describe),
    warnings: r.warnings.map(describe),
  }));
  const result = { rows: preview, phases, warnings, totals, unmatchedOwners, headerless };
  if (errors.length > 0) return { ...result, errors, document: null, assigneeEmails: {} };

  const candidate = {
    format: "runsheet.runbook" as const,
    version: RUNBOOK_DOCUMENT_VERSION,
    name: options.name?.trim() || "Imported steps",
    description: "",
    phases: phases.map((phase) => {
      const list = phaseRows.get(titleKey(phase.title))!;
      return {
        title: phase.title,
        description: "",
        inWindow: phase.inWindow,
        steps: list.map((r) => ({
          key: String(r.record.row),
          title: r.title,
          details: [r.details, r.notes.join("\n")].filter(Boolean).join("\n\n"),
          commands: r.commands,
          verification: r.verification,
          team: r.team,
          plannedMinutes: r.plannedMinutes!,
          kind: r.kind!,
          isFleet: false,
          fleetAction: null,
          predecessors: r.predecessorRows.map(String),
          ...(r.lagAfter.size > 0 ? { lags: Object.fromEntries([...r.lagAfter].filter(([n]) => r.predecessorRows.includes(n)).map(([n, m]) => [String(n), m])) } : {}),
        })),
      };
    }),
  };
  // The checks above mirror the document schema; this is the backstop that keeps them honest.
  const document = runbookDocumentSchema.safeParse(candidate);
  if (!document.success) {
    const schemaErrors = document.error.issues.map((issue) => ({ row: null, message: `${issue.path.join(".")}: ${issue.message}` }));
    return { ...result, errors: schemaErrors, document: null, assigneeEmails: {} };
  }
  const assigneeEmails: Record<string, string> = {};
  for (const row of rows) if (row.assignee) assigneeEmails[String(row.record.row)] = row.assignee;
  return { ...result, errors: [], document: document.data, assigneeEmails };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "2, 5, 9" or "2, 5, 9 and 14 more". */
function listRows(rows: readonly number[]): string {
  return rows.length > 8 ? `${rows.slice(0, 8).join(", ")} and ${rows.length - 8} more` : rows.join(", ");
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

/**
 * The critical path: the longest sum of planned minutes (and lags) along predecessor chains among
 * `rows`; predecessors outside `rows` are not waited for. The graph must be acyclic.
 */
function longestPathMinutes(rows: WorkingRow[]): number {
  // Kahn's order rather than recursion: a 2 MB file can hold a chain far deeper than the stack.
  const successors = new Map<number, number[]>();
  const waiting = new Map<number, number>();
  const minutes = new Map(rows.map((r) => [r.record.row, r.plannedMinutes ?? 0]));
  const byNumber = new Map(rows.map((r) => [r.record.row, r]));
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
      const lag = byNumber.get(next)!.lagAfter.get(n) ?? 0;
      start.set(next, Math.max(start.get(next) ?? 0, end + lag));
      waiting.set(next, waiting.get(next)! - 1);
      if (waiting.get(next) === 0) ready.push(next);
    }
  }
  return longest;
}

/** "3, 4", "3;4", one per line. */
function splitPredecessors(raw: string): string[] {
  return raw.split(/[,;\n]+/).map((t) => t.trim()).filter(Boolean);
}

/** "UK-3FS+15m" with the ID "uk-3" known → the ID and the rest ("FS+15m"); the longest known ID that fits wins. */
function splitIdToken(token: string, ids: ReadonlySet<string>): { id: string; rest: string } | null {
  const lower = token.toLowerCase();
  for (let end = lower.length; end > 0; end--) {
    const candidate = lower.slice(0, end).trim();
    if (ids.has(candidate) && DEPENDENCY_SUFFIX.test(token.slice(end))) return { id: candidate, rest: token.slice(end).trim() };
  }
  return null;
}
/** What may follow a predecessor: a dependency type and a lag, as MS Project and Smartsheet write them ("FS+15m", "SS", "+1h", "FS-10 min"). */
const DEPENDENCY_SUFFIX = /^\s*(fs|ss|ff|sf)?\s*([+-]\s*\d[\w\s.,]*)?\s*$/i;

/**
 * The dependency type and lag after a predecessor. Runsheet has only finish-to-start: other types
 * are imported as finish-to-start (warned). A lag becomes the step's lag after that predecessor
 * (runs wait for it); a lead, or a lag longer than a day, can't be represented (warned).
 */
function applyDependency(row: WorkingRow, target: number, label: string, token: string, rest: string, column: string | null): boolean {
  const match = DEPENDENCY_SUFFIX.exec(rest);
  if (!match) return false;
  const [, type, lagText] = match;
  if (type && type.toUpperCase() !== "FS") {
    const names: Record<string, string> = { SS: "start-to-start", FF: "finish-to-finish", SF: "start-to-finish" };
    row.warnings.push({ column, message: `"${token}" is ${names[type.toUpperCase()]}; Runsheet has only finish-to-start, so this step waits for ${label} to finish.` });
    row.notes.push(`Dependency in the imported plan: ${token} (imported as finish-to-start)`);
  }
  if (lagText) {
    const sign = lagText.trim().startsWith("-") ? -1 : 1;
    const amount = lagText.trim().slice(1).trim();
    const lag = parseDuration(amount, "minutes");
    if (!lag.ok) {
      row.errors.push({ column, message: `The lag in "${token}" ${lag.message.replace(/^The planned duration "[^"]*" /, "")}` });
    } else if (sign < 0) {
      row.warnings.push({ column, message: `"${token}" has a lead (a negative lag) of ${lag.minutes} min, which Runsheet can't represent: this step waits for ${label} to finish.` });
      row.notes.push(`Dependency in the imported plan: ${token} (the lead is not kept)`);
    } else if (lag.minutes > MAX_LAG_MINUTES) {
      row.warnings.push({ column, message: `"${token}" has a lag of ${lag.minutes} min, longer than a day, which Runsheet can't represent: this step waits for ${label} to finish.` });
      row.notes.push(`Dependency in the imported plan: ${token} (the lag is not kept)`);
    } else if (lag.minutes > 0) {
      row.lagAfter.set(target, Math.max(row.lagAfter.get(target) ?? 0, lag.minutes));
    }
  }
  return true;
}

/** "UK-3", "UK-3FS+15m", "3, 4" by the ID column's values. */
function resolveById(row: WorkingRow, rowsById: Map<string, WorkingRow[]>, column: string | null): number[] {
  const out: number[] = [];
  const ids = new Set(rowsById.keys());
  for (const token of splitPredecessors(row.predecessorsRaw)) {
    const split = splitIdToken(token, ids);
    if (!split) {
      row.errors.push({ column, message: `Unknown predecessor: no step has the ID "${token}".` });
      continue;
    }
    const target = rowsById.get(split.id)![0];
    if (applyDependency(row, target.record.row, target.id, token, split.rest, column)) out.push(target.record.row);
  }
  return out;
}

/** "3", "3, 5", "3;5", "3FS", "3FS+15m", "row 3". */
function resolveByNumber(row: WorkingRow, mode: "row" | "sheetRow", rowByNumber: Map<number, WorkingRow>, blankRows: Set<number>, column: string | null): number[] {
  const out: number[] = [];
  // Sheet row N is data row N - (header's sheet row): the offset is the same for every record.
  const offset = row.record.sheetRow - row.record.row;
  for (const token of splitPredecessors(row.predecessorsRaw)) {
    const match = /^(?:row\s*)?(\d+)(.*)$/i.exec(token);
    if (!match || !DEPENDENCY_SUFFIX.test(match[2])) {
      row.errors.push({ column, message: `The predecessor "${token}" is not a row number.` });
      continue;
    }
    const number = Number(match[1]);
    const target = mode === "sheetRow" ? number - offset : number;
    const label = mode === "sheetRow" ? `spreadsheet row ${number}` : `row ${number}`;
    if (rowByNumber.has(target)) {
      if (applyDependency(row, target, label, token, match[2], column)) out.push(target);
    } else if (blankRows.has(target)) row.errors.push({ column, message: `The predecessor ${label} is a blank row.` });
    else if (mode === "sheetRow" && target <= 0) row.errors.push({ column, message: `The predecessor ${label} is the header or above it.` });
    else row.errors.push({ column, message: `Unknown predecessor: there is no ${label} in the file.` });
  }
  return out;
}

/** Titles separated by ";" or new lines; "A, B" is tried as one title first, then as two. */
function resolveByTitle(row: WorkingRow, rowsByTitle: Map<string, WorkingRow[]>, column: string | null): number[] {
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
    row.errors.push({ column, message: `Unknown predecessor: no step is titled "${part}".` });
  }
  return out;
}

/** 'Row 7, column "Title": The title is empty.' — how an error is shown outside the preview table. */
export function formatImportError(error: ImportRowError): string {
  const where = [error.row === null ? null : `Row ${error.row}`, error.column ? (error.row === null ? capitalise(error.column) : error.column) : null].filter(Boolean).join(", ");
  return where ? `${where}: ${error.message}` : error.message;
}
