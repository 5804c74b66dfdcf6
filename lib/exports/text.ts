/**
 * Text helpers for the exports: file names, and making arbitrary user text printable with the
 * PDF's built-in fonts (Helvetica/Courier only carry the WinAnsi character set).
 */

/** Characters that WinAnsi (the standard fonts' encoding) has above Latin-1's printable range. */
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/** Common characters outside WinAnsi, spelled with ones inside it. */
const REPLACEMENTS: Record<string, string> = {
  "→": "->",
  "←": "<-",
  "↔": "<->",
  "⇒": "=>",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "‒": "-",
  "―": "—",
  "≤": "<=",
  "≥": ">=",
  "≠": "!=",
  "≈": "~",
  "×": "x",
  "✓": "OK",
  "✔": "OK",
  "✕": "x",
  "✗": "x",
  "⏳": "",
  "🔒": "",
  "\u200b": "",
  "\u200c": "",
  "\u200d": "",
  "\ufeff": "",
  "\u2009": " ",
  "\u202f": " ",
  "\u2007": " ",
  "ł": "l",
  "Ł": "L",
  "đ": "d",
  "Đ": "D",
  "ı": "i",
};

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char) || char === "\n";
}

/**
 * Text as the PDF's standard fonts can draw it: known symbols spelled out, accents dropped
 * where the letter isn't in WinAnsi (ő → o), tabs expanded, anything else shown as "?"
 * rather than silently vanishing.
 */
export function pdfText(value: string | null | undefined): string {
  if (!value) return "";
  let out = "";
  for (const char of value.replace(/\r\n?/g, "\n").replace(/\t/g, "    ")) {
    if (isWinAnsi(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue; // control characters
    const stripped = char.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    out += stripped !== "" && [...stripped].every(isWinAnsi) ? stripped : "?";
  }
  return out;
}

/**
 * Hard-wraps monospace text to `width` characters so nothing runs off the page: each line
 * breaks at the last space that keeps most of the line, else mid-token. Continuation lines get
 * `width - continuationIndent` characters (room for a marker). Returns the visual lines with a
 * flag saying whether each one continues the source line before it.
 */
export function wrapMonospace(text: string, width: number, continuationIndent = 0): { text: string; continued: boolean }[] {
  const out: { text: string; continued: boolean }[] = [];
  for (const source of text.split("\n")) {
    let rest = source.replace(/\s+$/, "");
    let continued = false;
    if (rest === "") {
      out.push({ text: "", continued: false });
      continue;
    }
    for (;;) {
      const limit = Math.max(1, continued ? width - continuationIndent : width);
      if (rest.length <= limit) break;
      const cut = breakPoint(rest, limit);
      out.push({ text: rest.slice(0, cut).replace(/\s+$/, ""), continued });
      rest = rest.slice(cut).replace(/^ +/, "");
      continued = true;
    }
    out.push({ text: rest, continued });
  }
  return out;
}

/** Where to cut `text` to at most `limit` characters: a space, else after punctuation, else hard. */
function breakPoint(text: string, limit: number): number {
  const floor = Math.ceil(limit * 0.45);
  const space = text.lastIndexOf(" ", limit);
  if (space >= floor) return space + 1;
  for (let i = limit - 1; i >= floor; i--) if ("/\\-_.,:;=|&?".includes(text[i])) return i + 1;
  return limit;
}

/**
 * Leading spaces as no-break spaces: the PDF line breaker drops whitespace at the start of a
 * line, which would lose a command's indentation or a table cell's alignment.
 */
export function keepIndent(line: string): string {
  const match = /^ +/.exec(line);
  return match ? NBSP.repeat(match[0].length) + line.slice(match[0].length) : line;
}

export const NBSP = "\u00a0";

export interface MonoColumn {
  width: number;
  align?: "left" | "right";
}

/**
 * One table row as monospace lines: every cell wraps inside its own column, so a long reason
 * or host name adds lines to its row instead of pushing the next column out of line.
 */
export function monoRow(cells: readonly string[], columns: readonly MonoColumn[], gap = 2): string[] {
  const wrapped = columns.map((column, i) => wrapMonospace((cells[i] ?? "").replace(/\n/g, " "), column.width).map((l) => l.text));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const lines: string[] = [];
  for (let line = 0; line < height; line++) {
    const parts = columns.map((column, i) => {
      const text = wrapped[i][line] ?? "";
      const pad = NBSP.repeat(Math.max(0, column.width - text.length));
      return column.align === "right" ? pad + text : text + pad;
    });
    // Padding is made of no-break spaces, so the columns survive the PDF's line breaker.
    lines.push(parts.join(NBSP.repeat(gap)).replace(/[\s\u00a0]+$/, ""));
  }
  return lines;
}

/** ".prod.example.com" when every host name ends in it (and has something before it), else "". */
export function commonDomainSuffix(hostnames: readonly string[]): string {
  if (hostnames.length < 2 || !hostnames[0].includes(".")) return "";
  let suffix = hostnames[0].slice(hostnames[0].indexOf("."));
  for (const name of hostnames) {
    while (suffix && !(name.endsWith(suffix) && name.length > suffix.length)) {
      const next = suffix.indexOf(".", 1);
      suffix = next === -1 ? "" : suffix.slice(next);
    }
    if (!suffix) return "";
  }
  return suffix.length >= 4 ? suffix : "";
}

/**
 * Break opportunities inside long tokens (paths, hostnames, hashes) for proportional text:
 * used as react-pdf's hyphenation callback, so a 90-character path wraps instead of being cut
 * off at the edge. Ordinary words are left whole (no dictionary hyphenation).
 */
export function breakLongWord(word: string): string[] {
  // Short words, and the fleet grid's cells (padded with no-break spaces), stay whole.
  if (word.length <= 24 || word.includes(NBSP)) return [word];
  const parts: string[] = [];
  for (const piece of word.split(/(?<=[/\\._:=,;&?@-])/)) {
    for (let i = 0; i < piece.length; i += 12) parts.push(piece.slice(i, i + 12));
  }
  return parts;
}

/** "NetBackup master rehost — nbu-master1" → "netbackup-master-rehost-nbu-master1". */
export function slugify(value: string, maxLength = 60): string {
  const slug = value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/g, "");
  return slug || "untitled";
}

/** runsheet-<project>-<run>.<ext> */
export function exportFilename(projectName: string, runName: string, extension: "pdf" | "csv" | "json"): string {
  return `runsheet-${slugify(projectName)}-${slugify(runName, 40)}.${extension}`;
}

/** A Content-Disposition header that downloads as `filename` (ASCII by construction). */
export function attachmentHeader(filename: string): string {
  return `attachment; filename="${filename.replace(/["\\\r\n]/g, "_")}"`;
}

/** First `max` characters, with an ellipsis when shortened. */
export function truncate(value: string, max: number): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** Markdown as plain reading text: no emphasis markers, code ticks or link targets. */
export function markdownToPlain(source: string): string {
  return source
    .replace(/\r\n?/g, "\n")
    .replace(/```[a-z]*\n?/gi, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/__([^_]+)__/g, "$1")
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=[\s).,;:!?]|$)/g, "$1$2")
    .replace(/!?\[([^\]]*)\]\(([^)]*)\)/g, "$1 ($2)")
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/^\s*[-*+]\s+/gm, "• ")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
