/**
 * The one reader for spreadsheet exports and pasted text: bytes → text, text → lines or CSV rows.
 * Every importer goes through it, so a file Excel, Smartsheet or NetBackup wrote is read the same
 * way wherever it is uploaded.
 *
 * Pure and client-safe (no "server-only", no Node modules): step import runs it in the browser
 * for the instant preview and again on the server before importing.
 */
import Papa from "papaparse";

// ---------------------------------------------------------------- bytes → text

export type CsvEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/**
 * Bytes of an uploaded file → text. A BOM decides (UTF-8, or UTF-16 as Excel's "Unicode text"
 * writes); without one the bytes must be valid UTF-8. Invalid bytes become U+FFFD and
 * `invalidBytes` is set: the rows holding them are then reported, and the user can re-read the
 * file as Windows-1252 (Excel's plain "CSV (Comma delimited)" on Windows) or save it as UTF-8.
 */
export function decodeCsvBytes(bytes: Uint8Array, encoding: "auto" | "windows-1252" = "auto"): { text: string; encoding: CsvEncoding; invalidBytes: boolean } {
  if (encoding === "windows-1252") return { text: new TextDecoder("windows-1252").decode(bytes), encoding, invalidBytes: false };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeWith("utf-8", bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeWith("utf-16le", bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeWith("utf-16be", bytes.subarray(2));
  return decodeWith("utf-8", bytes);
}

function decodeWith(encoding: CsvEncoding, bytes: Uint8Array) {
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding, invalidBytes: false };
  } catch {
    return { text: new TextDecoder(encoding).decode(bytes), encoding, invalidBytes: true };
  }
}

/**
 * Text that went wrong on its way from the spreadsheet: U+FFFD (bytes that were not valid in
 * the file's encoding), NUL (UTF-16 read as UTF-8) or UTF-8 read as Windows-1252 ("Ã¼" for "ü").
 */
export function encodingProblem(text: string): string | null {
  if (text.includes("\uFFFD")) {
    return "contains characters that could not be decoded (shown as \uFFFD). Save the sheet as \"CSV UTF-8\" and upload it again, or re-read the file as Windows-1252.";
  }
  if (text.includes("\u0000")) return "contains NUL characters: the file is probably UTF-16 without a byte-order mark. Save it as \"CSV UTF-8\".";
  if (/Ã[\u0080-\u00BF]|â€[\u0080-\u00BF\u2018-\u201E\u2122]/.test(text)) {
    return 'looks like UTF-8 text that was read with the wrong encoding (for example "Ã¼" instead of "ü"). Save the sheet as "CSV UTF-8" and upload it again.';
  }
  return null;
}

// ---------------------------------------------------------------- text → lines

/**
 * BOM off, every line ending "\n", so line numbers are counted one way. A BOM (U+FEFF) left in
 * the text by a decoder or a paste would otherwise stick to the first header.
 */
export function normaliseText(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** Line i of the result is line i + 1 of the input, whatever its line ends were. */
export function splitLines(text: string): string[] {
  return normaliseText(text).split("\n");
}

/** Untrimmed, so a caller that counts separators sees the line as written. */
export function firstNonBlankLine(text: string): string {
  return splitLines(text).find((line) => line.trim() !== "") ?? "";
}

// ---------------------------------------------------------------- CSV

/**
 * The header line's most frequent separator, quoted values not counted; Excel writes ";" in
 * locales with a decimal comma, and tabs when cells are pasted. Ties go to "," then ";".
 */
export function detectDelimiter(headerLine: string): string {
  let inQuotes = false;
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch in counts) counts[ch] += 1;
  }
  const best = Object.entries(counts).reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ",";
}

/** How error messages name a delimiter: a tab is invisible when quoted. */
export function delimiterLabel(delimiter: string): string {
  return delimiter === "\t" ? "tab" : delimiter;
}

/** One wording for both importers: the unit tests assert it as written. */
export const UNCLOSED_QUOTE_MESSAGE = 'A quoted value is not closed (a missing ").';

export interface CsvRow {
  /** 0-based position among all rows of the text, blank ones included. */
  index: number;
  /** 1-based line of the text the row starts on: a quoted value may span lines, so rows ≠ lines. */
  line: number;
  /** Trimmed; as many as the row has, which may differ from the header. */
  cells: string[];
  /** papaparse found an unclosed quote in this row (it then runs to the end of the text). */
  quoteError: boolean;
}

export interface CsvTable {
  delimiter: string;
  /** The first row with a non-empty cell; null when there is none. */
  header: CsvRow | null;
  /** Every row after the header, blank ones included (they keep row numbers stable), but without the blank rows at the end. */
  records: CsvRow[];
}

/**
 * Reads CSV text into a header and records. The delimiter is detected from the first non-blank
 * line unless given. Line numbers refer to the text after `normaliseText`, which keeps the
 * number of lines.
 */
export function readCsv(input: string, options: { delimiter?: string } = {}): CsvTable {
  const text = normaliseText(input);
  const delimiter = options.delimiter ?? detectDelimiter(firstNonBlankLine(text));
  const rows: CsvRow[] = [];
  // Line numbers from papaparse's cursor, which points past the row it has just read.
  let rowStart = 0;
  let linesBefore = 0;
  Papa.parse<string[]>(text, {
    delimiter,
    header: false,
    skipEmptyLines: false,
    step: (result) => {
      const start = rowStart;
      rowStart = result.meta.cursor;
      const line = linesBefore + 1;
      for (let i = start; i < rowStart; i++) if (text.charCodeAt(i) === 10) linesBefore += 1;
      rows.push({
        index: rows.length,
        line,
        cells: result.data.map((c) => (c ?? "").trim()),
        quoteError: result.errors.some((e) => e.type === "Quotes"),
      });
    },
  });
  const isBlank = (row: CsvRow) => row.cells.every((c) => c === "");
  const headerIndex = rows.findIndex((row) => !isBlank(row));
  if (headerIndex < 0) return { delimiter, header: null, records: [] };
  const records = rows.slice(headerIndex + 1);
  // papaparse yields one empty record for the final newline; it is not a row of the sheet.
  while (records.length > 0 && isBlank(records[records.length - 1])) records.pop();
  return { delimiter, header: rows[headerIndex], records };
}

/** Header names are compared after lower-casing and dropping everything but letters and digits: "Task Name", "task_name" and "TASKNAME" are one. */
export function normaliseHeader(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]/g, "");
}
