/**
 * "Download skipped rows": the lines an import skipped, as a CSV the admin can open in Excel, fix
 * and import again: line number, reason, and the line exactly as it was in the list. Built in the
 * browser from the text it sent and the line numbers the server answered, so no file is kept on
 * the server. Pure.
 */
import type { ClientLineError } from "./parse";
import { normaliseText, splitLines } from "../platform/csv";

// Every cell quoted: the original line stays byte for byte what it was, commas and quotes included.
const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;

export function skippedRowsCsv(options: { text: string; errors: readonly Pick<ClientLineError, "line" | "message">[] }): string {
  // Numbered as the parser numbers them (lib/platform/csv.ts normaliseText and splitLines).
  const lines = splitLines(normaliseText(options.text));
  const rows = [["line", "reason", "original line"].join(",")];
  for (const error of options.errors) rows.push([String(error.line), cell(error.message), cell(lines[error.line - 1] ?? "")].join(","));
  return rows.join("\r\n") + "\r\n";
}
