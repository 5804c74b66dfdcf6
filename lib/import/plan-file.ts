/**
 * Plan files as people really keep them, before any column means anything: what a file is (from
 * its bytes, not its name), where the header is (below a title, a blank line and a version
 * line), how a two-row header with merged cells reads as one header per column, and how a
 * spreadsheet cell (number, date, time) reads as text.
 *
 * Pure and client-safe (no "server-only", no Node modules, no spreadsheet library): the browser
 * runs it for the instant preview and the server again before importing. Reading the .xlsx itself
 * is lib/import/read-plan-file.ts.
 */
import { detectDelimiter, splitLines } from "../platform/csv";

// ---------------------------------------------------------------- what the file is

export type PlanFileRecognition =
  | { kind: "xlsx" }
  | { kind: "text"; encoding: "auto" | "utf-16le" | "utf-16be" }
  /** One sentence for the user: what the file is and what to do instead. */
  | { kind: "refused"; message: string };

/** What an .xlsx may unpack to. A 5 MB upload of plan rows is far below this; a zip bomb is not. */
export const MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024;

const SAVE_AS = "save it as .xlsx or CSV";

/**
 * Decides from the leading bytes (and for a ZIP, its list of entries) what an upload is, so an
 * .xlsx renamed .csv is read as a workbook and a CSV renamed .xlsx as text. Everything that is
 * neither gets one message naming what it is.
 */
export function recognisePlanFile(bytes: Uint8Array): PlanFileRecognition {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return recogniseZip(bytes);
  if (starts(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return refused(`This is a legacy Excel workbook (.xls) or another old Office file, which Runsheet can't read. Open it in Excel and ${SAVE_AS}.`);
  }
  if (starts(0xff, 0xfe)) return { kind: "text", encoding: "auto" };
  if (starts(0xfe, 0xff)) return { kind: "text", encoding: "auto" };

  const head = asciiHead(bytes, 1024);
  if (head.startsWith("%PDF")) return refused(`This is a PDF document, not a spreadsheet. Open the plan in the program it was made with and ${SAVE_AS}.`);
  if (head.startsWith("{\\rtf")) return refused(`This is an RTF document, not a spreadsheet. Open it in Word/Excel and ${SAVE_AS}.`);
  const markup = head.replace(/^\s+/, "").toLowerCase();
  if (/^<\?xml[^>]*>\s*(<\?mso-application[^>]*excel|[\s\S]*<workbook[\s>])/.test(markup)) {
    return refused(`This is an Excel 2003 XML spreadsheet, which Runsheet can't read. Open it in Excel and ${SAVE_AS}.`);
  }
  if (/^(<!--[\s\S]*?-->\s*)?(<!doctype html|<html|<table|<head|<body|<meta)/.test(markup)) {
    return refused(`This is a web page (HTML), not a spreadsheet; Excel sometimes saves ".xls" files this way. Open it in Excel and ${SAVE_AS}.`);
  }
  if (starts(0x89, 0x50, 0x4e, 0x47)) return refused(`This is a PNG image, not a spreadsheet. Export the plan from the spreadsheet itself: ${SAVE_AS}.`);
  if (starts(0xff, 0xd8, 0xff)) return refused(`This is a JPEG image, not a spreadsheet. Export the plan from the spreadsheet itself: ${SAVE_AS}.`);

  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { kind: "text", encoding: utf16 };
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return refused(`This file is not text and not an .xlsx workbook (it holds binary data). Open the plan in its spreadsheet program and ${SAVE_AS}.`);
  return { kind: "text", encoding: "auto" };
}

const refused = (message: string): PlanFileRecognition => ({ kind: "refused", message });

function asciiHead(bytes: Uint8Array, length: number): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let out = "";
  for (let i = start; i < Math.min(bytes.length, start + length); i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** Excel's "Unicode text" has a BOM; some tools write UTF-16 without one: every other byte is NUL. */
function utf16WithoutBom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.1) return "utf-16le";
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.1) return "utf-16be";
  return null;
}

export interface ZipEntry {
  name: string;
  uncompressedBytes: number;
}

/**
 * The entries of a ZIP from its central directory (names and declared sizes; nothing is
 * unpacked). Null when the archive is damaged or uses ZIP64, which no plan needs.
 */
export function listZipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) return null;
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (size === 0xffffffff || offset + 46 + nameLength > bytes.length) return null;
    entries.push({ name: decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)), uncompressedBytes: size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function recogniseZip(bytes: Uint8Array): PlanFileRecognition {
  const entries = listZipEntries(bytes);
  if (!entries) return refused(`This is a damaged or unusual ZIP archive, not a workbook Runsheet can read. Open the plan in Excel and ${SAVE_AS}.`);
  const names = new Set(entries.map((e) => e.name.toLowerCase()));
  if (names.has("xl/workbook.xml")) {
    const unpacked = entries.reduce((total, e) => total + e.uncompressedBytes, 0);
    if (unpacked > MAX_XLSX_UNPACKED_BYTES) return refused(`This workbook unpacks to more than ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB. Copy the plan's sheet into a new workbook, or ${SAVE_AS}.`);
    return { kind: "xlsx" };
  }
  if (names.has("xl/workbook.bin")) return refused(`This is an Excel binary workbook (.xlsb), which Runsheet can't read. Open it in Excel and ${SAVE_AS}.`);
  if (names.has("word/document.xml")) return refused(`This is a Word document (.docx), not a spreadsheet. Put the plan in a spreadsheet and ${SAVE_AS}.`);
  if (names.has("ppt/presentation.xml")) return refused(`This is a PowerPoint presentation (.pptx), not a spreadsheet. Put the plan in a spreadsheet and ${SAVE_AS}.`);
  if (names.has("mimetype") && names.has("content.xml")) {
    const head = asciiHead(bytes, 200);
    if (head.includes("opendocument.spreadsheet")) return refused(`This is an OpenDocument spreadsheet (.ods), which Runsheet can't read. Open it in LibreOffice or Excel and ${SAVE_AS}.`);
    return refused(`This is an OpenDocument file (LibreOffice), not a spreadsheet Runsheet can read. Open it in LibreOffice and ${SAVE_AS}.`);
  }
  return refused(`This is a ZIP archive, not a spreadsheet. Unpack it and upload the plan itself, as .xlsx or CSV.`);
}

// ---------------------------------------------------------------- spreadsheet cells as text

export type SheetCell = string | number | boolean | Date | null | undefined;

/** Excel's day 0 (1899-12-30): a time or a duration typed as "0:45" is a fraction of a day after it. */
const EXCEL_DAY_ZERO = Date.UTC(1899, 11, 30);
/** No plan is dated before March 1900: earlier "dates" are durations past a day ("[h]:mm", 48:00 is serial 2, "1900-01-01"). */
const FIRST_REAL_DATE = Date.UTC(1900, 2, 1);

/**
 * A cell as the plan's author sees it, in a form the importer parses: numbers without float noise
 * (Excel keeps 15 significant digits, so 0.1+0.2 is "0.3"), dates as ISO local date-times
 * ("2026-12-05T22:00", or "2026-12-05" at midnight; a workbook has no time zone), and a time or
 * duration cell ("0:45", "[h]:mm") as hours:minutes, "0:45".
 */
export function cellText(value: SheetCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : "";
  const ms = Math.round(value.getTime() / 1000) * 1000;
  if (Number.isNaN(ms)) return "";
  if (ms < FIRST_REAL_DATE) {
    const seconds = Math.round((ms - EXCEL_DAY_ZERO) / 1000);
    if (seconds < 0) return "";
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return `${h}:${String(m).padStart(2, "0")}${s ? `:${String(s).padStart(2, "0")}` : ""}`;
  }
  const iso = new Date(ms).toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return iso.endsWith(":00.000Z") ? iso.slice(0, 16) : iso.slice(0, 19);
}

// ---------------------------------------------------------------- where the header is

const isBlank = (row: readonly string[]) => row.every((c) => c === "");
const filled = (row: readonly string[]) => row.filter((c) => c !== "").length;

/** Numbers, dates, times, percentages: what a data row holds and a header doesn't. */
function isValueLike(cell: string): boolean {
  return /^[+-]?\d+([.,]\d+)?%?$/.test(cell) || /^\d{4}-\d\d-\d\d/.test(cell) || /^\d{1,2}[./]\d{1,2}[./]\d{2,4}/.test(cell) || /^\d{1,3}:\d\d(:\d\d)?$/.test(cell) || /^(true|false)$/i.test(cell);
}
const allTextual = (row: readonly string[]) => row.every((c) => c === "" || !isValueLike(c));

export interface LocatedHeader {
  /** Index (0-based, into the rows given) of the first and the last header row; they differ for a two-row header. */
  first: number;
  last: number;
  /** One name per column, group and sub-header combined ("Planned Start"). */
  headers: string[];
  /** Non-blank rows above the header that were skipped as the sheet's title. */
  titleRows: number;
}

/**
 * Finds the header: the first row that is wide compared with the rows below it. A row with one
 * cell above rows with more, or two cells above rows with more than four ("ACME ERP – Mock
 * cutover 2", "Version 3", "Owner: PMO | 2026-12-05"), is a title and is skipped. A header found below a title must be all words (no numbers or dates), otherwise the
 * first non-blank row is the header, as it always was. Then a second header row is looked for: a
 * group row ("Planned" over "Start" and "End") above or below it. Null when every row is blank.
 */
export function locateHeader(rows: readonly (readonly string[])[]): LocatedHeader | null {
  const nonBlank = rows.map((row, index) => (isBlank(row) ? -1 : index)).filter((i) => i >= 0);
  if (nonBlank.length === 0) return null;
  let header = nonBlank[0];
  for (let k = 0; k < Math.min(nonBlank.length, 15); k++) {
    const index = nonBlank[k];
    const below = nonBlank.slice(k + 1, k + 11).map((i) => filled(rows[i]));
    if (below.length === 0) break;
    const width = filled(rows[index]);
    const typical = median(below);
    if ((width === 1 && typical >= 2) || (width === 2 && typical > 4)) continue;
    if (k > 0 && allTextual(rows[index])) header = index;
    break;
  }
  const titleRows = nonBlank.indexOf(header);
  return combineHeaderRows(rows, header, titleRows);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** [start, end) column ranges of cells followed by empty cells in the same row: what a merged cell leaves behind. */
function spans(row: readonly string[], width: number, lastSpanWidth: "to-end" | "like-previous"): [number, number][] {
  const starts = row.map((c, i) => (c !== "" ? i : -1)).filter((i) => i >= 0);
  return starts.map((start, k) => {
    let end = k + 1 < starts.length ? starts[k + 1] : width;
    if (k + 1 === starts.length && lastSpanWidth === "like-previous" && k > 0) end = Math.min(width, start + (starts[k] - starts[k - 1]));
    return [start, end];
  });
}

function combineHeaderRows(rows: readonly (readonly string[])[], header: number, titleRows: number): LocatedHeader {
  const top = rows[header];
  const width = Math.max(top.length, rows[header + 1]?.length ?? 0);
  const at = (row: readonly string[] | undefined, c: number) => row?.[c] ?? "";

  // Below: "ID | Task | Planned |     | Duration" over "   |      | Start   | End |": the group row is
  // the header found, and the sub-header's cells all sit under a merged (spanning) cell.
  const below = rows[header + 1];
  if (below && !isBlank(below) && allTextual(below)) {
    const groups = spans(top, width, "to-end").filter(([start, end]) => end - start >= 2);
    const inGroup = (c: number) => groups.find(([start, end]) => c >= start && c < end);
    const subOnlyInGroups = below.every((cell, c) => cell === "" || inGroup(c) !== undefined);
    const fillsAGap = below.some((cell, c) => cell !== "" && at(top, c) === "" && inGroup(c) !== undefined);
    if (groups.length > 0 && subOnlyInGroups && fillsAGap) {
      const headers = Array.from({ length: width }, (_, c) => {
        const group = inGroup(c);
        const sub = at(below, c);
        if (!group) return at(top, c) || sub;
        const label = at(top, group[0]);
        return sub === "" ? (c === group[0] ? label : "") : `${label} ${sub}`;
      });
      return { first: header, last: header + 1, headers, titleRows };
    }
  }

  // Above: "        |      | Planned |     | Actual |" over "ID | Task | Start | End | Start | End":
  // the row directly above holds only group labels, none over the first column.
  const above = header > 0 ? rows[header - 1] : undefined;
  if (above && !isBlank(above) && allTextual(above) && titleRows > 0) {
    const firstColumn = top.findIndex((c) => c !== "");
    const groups = spans(above, width, "like-previous");
    const valid = groups.every(([start, end]) => start > firstColumn && end - start >= 2 && at(above, start + 1) === "" && at(top, start + 1) !== "");
    if (groups.length > 0 && valid) {
      const headers = Array.from({ length: width }, (_, c) => {
        const group = groups.find(([start, end]) => c >= start && c < end);
        const sub = at(top, c);
        return group && sub !== "" ? `${at(above, group[0])} ${sub}` : sub;
      });
      return { first: header - 1, last: header, headers, titleRows: titleRows - 1 };
    }
  }
  return { first: header, last: header, headers: [...top], titleRows };
}

// ---------------------------------------------------------------- CSV text

/**
 * The separator, from the first non-blank line that has one: a title line above the header
 * ("Mock cutover 2") has none and would otherwise make a semicolon file read as one column.
 */
export function detectPlanDelimiter(text: string): string {
  let checked = 0;
  for (const line of splitLines(text)) {
    if (line.trim() === "") continue;
    if (/[,;\t]/.test(line.replace(/"[^"]*"/g, ""))) return detectDelimiter(line);
    if (++checked >= 20) break;
  }
  return ",";
}

// ---------------------------------------------------------------- sheets

export interface SheetTable {
  name: string;
  /** Every row of the sheet as text; index i is spreadsheet row i + 1. */
  rows: string[][];
}

/** A sheet with a header of two or more names and at least one row under it. */
export function isPlausiblePlanSheet(sheet: SheetTable): boolean {
  const located = locateHeader(sheet.rows);
  if (!located) return false;
  return located.headers.filter((h) => h !== "").length >= 2 && sheet.rows.slice(located.last + 1).some((row) => !isBlank(row));
}

/** The sheet asked for by name, else the first that looks like a plan, else the first with anything on it. */
export function chooseSheet(sheets: readonly SheetTable[], wanted?: string | null): SheetTable | null {
  if (wanted) return sheets.find((s) => s.name === wanted) ?? null;
  return sheets.find(isPlausiblePlanSheet) ?? sheets.find((s) => s.rows.some((row) => !isBlank(row))) ?? sheets[0] ?? null;
}
