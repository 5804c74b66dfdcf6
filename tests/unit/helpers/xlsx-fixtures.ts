/**
 * .xlsx files in the shapes real plans have, built in the test with write-excel-file, plus what
 * write-excel-file can't do: Excel saves a formula with its last computed value (`<v>`), which is
 * what a reader sees; `withCachedValues` adds those values, as Excel would have.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import writeExcelFile from "write-excel-file/node";

/** Rows of cells as write-excel-file takes them: values, `{ value, format, columnSpan, rowSpan }` objects or null. */
export type SheetData = unknown[][];

export async function xlsx(data: SheetData): Promise<Uint8Array> {
  return new Uint8Array(await writeExcelFile(data as never).toBuffer());
}

export async function xlsxSheets(sheets: { sheet: string; data: SheetData }[]): Promise<Uint8Array> {
  return new Uint8Array(await writeExcelFile(sheets as never).toBuffer());
}

/** Adds Excel's cached result to formula cells: `{ "F6": "45" }` (sheet 1). */
export function withCachedValues(bytes: Uint8Array, values: Record<string, string>): Uint8Array {
  const files = unzipSync(bytes);
  const name = "xl/worksheets/sheet1.xml";
  let xml = strFromU8(files[name]);
  for (const [ref, value] of Object.entries(values)) {
    const before = xml;
    xml = xml.replace(new RegExp(`(<c r="${ref}"[^>]*>)<f>=?([^<]*)</f></c>`), `$1<f>$2</f><v>${value}</v></c>`);
    if (xml === before) throw new Error(`No formula cell ${ref} in the sheet`);
  }
  files[name] = strToU8(xml);
  return zipSync(files);
}

/** A ZIP holding these files (a .docx, an .ods…), for recognition tests. */
export function zipOf(files: Record<string, string>, options: { storedFirst?: string } = {}): Uint8Array {
  const entries: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {};
  if (options.storedFirst) entries[options.storedFirst] = [strToU8(files[options.storedFirst]), { level: 0 }];
  for (const [name, text] of Object.entries(files)) if (name !== options.storedFirst) entries[name] = strToU8(text);
  return zipSync(entries);
}
