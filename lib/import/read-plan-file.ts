/**
 * An uploaded plan file → the `ParsedCsv` every later step of the import reads, whatever the file
 * is: CSV or pasted text (lib/import/steps.ts `parseCsv`) or an .xlsx workbook, read with
 * read-excel-file. The same code runs in the browser (instant preview) and on the server (the
 * import and the API's dry run), so both see the same header, rows and row numbers.
 *
 * We use read-excel-file's "universal" entry on both sides: it reads an ArrayBuffer without a Web
 * Worker (the browser entry starts one from a blob: URL, which the Content-Security-Policy
 * doesn't allow and which a thousand-row plan doesn't need).
 */
import readXlsxFile from "read-excel-file/universal";
import { decodeCsvBytes, encodingProblem, type CsvEncoding } from "../platform/csv";
import { cellText, chooseSheet, locateHeader, recognisePlanFile, type SheetCell, type SheetTable } from "./plan-file";
import { MAX_IMPORT_CHARS, parseCsv, type ParsedCsv } from "./steps";

const MAX_COLUMNS = 200;

export interface PlanFile extends ParsedCsv {
  format: "csv" | "xlsx";
  /** The workbook's sheet names (empty for CSV). */
  sheets: string[];
  /** The sheet read (null for CSV). */
  sheetName: string | null;
}

export type Workbook = SheetTable[];

/** Every sheet of an .xlsx as rows of cell text (lib/import/plan-file.ts `cellText`). Throws `PlanFileError`. */
export async function readWorkbook(bytes: Uint8Array): Promise<Workbook> {
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    // A copy, so the ArrayBuffer holds exactly these bytes (a Node Buffer is a view into a pool).
    sheets = await readXlsxFile(bytes.slice().buffer);
  } catch (error) {
    const detail = error instanceof Error && error.message ? ` (${error.message.slice(0, 200)})` : "";
    throw new PlanFileError(`The workbook could not be read${detail}. Open it in Excel and save it again as .xlsx, or as CSV.`);
  }
  let chars = 0;
  const tables = sheets.map(({ sheet, data }) => ({
    name: sheet,
    rows: data.map((row) =>
      row.map((value) => {
        const text = cellText(value as SheetCell);
        chars += text.length;
        return text;
      }),
    ),
  }));
  if (chars > MAX_IMPORT_CHARS) throw new PlanFileError(`The workbook holds more than ${MAX_IMPORT_CHARS / 1_000_000} million characters of text; copy the plan's sheet into a new workbook, or split it.`);
  return tables;
}

/** A file-level problem: the one message the user sees instead of a preview. */
export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFileError";
  }
}

/** One sheet of a workbook as the importer's table: header found below any title, rows numbered from it. */
export function planFromWorkbook(workbook: Workbook, sheet?: string | null): PlanFile {
  const sheets = workbook.map((s) => s.name);
  const chosen = chooseSheet(workbook, sheet);
  if (!chosen) throw new PlanFileError(sheet ? `The workbook has no sheet named "${sheet}"; it has ${sheets.map((s) => `"${s}"`).join(", ")}.` : "The workbook has no sheets.");
  const base = { format: "xlsx" as const, sheets, sheetName: chosen.name, delimiter: "," };
  const located = locateHeader(chosen.rows);
  if (!located) return { ...base, headers: [], records: [], fileErrors: [`The sheet "${chosen.name}" is empty.`] };
  const below = chosen.rows.slice(located.last + 1);
  // Sheets are padded to their widest row; columns empty in the header and every row are not columns.
  let width = 0;
  for (const row of [located.headers, ...below]) for (let c = row.length - 1; c >= width; c--) if (row[c] !== "") width = c + 1;
  const fileErrors: string[] = [];
  if (width > MAX_COLUMNS) fileErrors.push(`The header has more than ${MAX_COLUMNS} columns.`);
  const headers = Array.from({ length: Math.min(width, MAX_COLUMNS) }, (_, c) => located.headers[c] ?? "");
  const badHeader = encodingProblem(headers.join(" "));
  if (badHeader) fileErrors.push(`The header row: ${badHeader}`);
  const records = below.map((row, i) => ({
    row: i + 1,
    sheetRow: located.last + i + 2,
    cells: Array.from({ length: width }, (_, c) => row[c] ?? ""),
    quoteError: false,
  }));
  while (records.length > 0 && records[records.length - 1].cells.every((c) => c === "")) records.pop();
  return { ...base, headers, records, fileErrors };
}

/** CSV text (uploaded or pasted) as a PlanFile. */
export function planFromText(text: string): PlanFile {
  return { ...parseCsv(text), format: "csv", sheets: [], sheetName: null };
}

export interface DecodedPlanText {
  text: string;
  encoding: CsvEncoding;
  invalidBytes: boolean;
}

/** Bytes of an upload that `recognisePlanFile` called text → text, UTF-16 without a BOM included. */
export function decodePlanText(bytes: Uint8Array, encoding: "auto" | "utf-16le" | "utf-16be"): DecodedPlanText {
  if (encoding === "auto") return decodeCsvBytes(bytes);
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding, invalidBytes: false };
  } catch {
    return { text: new TextDecoder(encoding).decode(bytes), encoding, invalidBytes: true };
  }
}

/**
 * Any upload → a PlanFile, by what its bytes are (an .xlsx renamed .csv is still a workbook).
 * Throws `PlanFileError` with one message for what can't be read (PDF, RTF, .xls, .ods…).
 */
export async function readPlanFile(options: { bytes: Uint8Array; sheet?: string | null }): Promise<PlanFile & { decoded: DecodedPlanText | null }> {
  const kind = recognisePlanFile(options.bytes);
  if (kind.kind === "refused") throw new PlanFileError(kind.message);
  if (kind.kind === "xlsx") return { ...planFromWorkbook(await readWorkbook(options.bytes), options.sheet), decoded: null };
  const decoded = decodePlanText(options.bytes, kind.encoding);
  return { ...planFromText(decoded.text), decoded };
}
