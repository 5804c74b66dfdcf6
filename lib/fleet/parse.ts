/**
 * Turns a client list as admins have it into fleet clients, with every problem reported by line:
 *
 * - NetBackup output, `bpplclients -allunique [-noheader]`: "hardware  OS  client" per line, the
 *   optional "Hardware OS Client" header and its dashed underline skipped. A line holding one
 *   name only (a plain host list) is accepted too.
 * - CSV with a header row naming hostname, os, policy, owner (and optionally hardware), in any
 *   case and order; comma, semicolon or tab separated (Excel exports use all three); BOM and CRLF
 *   tolerated.
 *
 * Pure (no I/O, no "server-only"): the server's import calls it with the hostnames already in
 * the project, and the unit tests call it directly.
 */
import { delimiterLabel, detectDelimiter, firstNonBlankLine, normaliseHeader, normaliseText, readCsv, splitLines, UNCLOSED_QUOTE_MESSAGE } from "../platform/csv";
import { hostname as hostnameSchema } from "../platform/validation";

export type ClientListFormat = "csv" | "bpplclients";

export interface ParsedClient {
  /** 1-based line of the input the client came from. */
  line: number;
  hostname: string;
  os: string;
  hardware: string;
  policy: string;
  owner: string;
}

export interface ClientLineError {
  line: number;
  /** The host name on that line, when one could be read. */
  hostname: string | null;
  message: string;
}

export interface ClientListParse {
  format: ClientListFormat;
  clients: ParsedClient[];
  errors: ClientLineError[];
}

/** More than this in one paste is almost certainly the wrong file; it also bounds one transaction. */
export const MAX_IMPORT_CLIENTS = 10_000;
export const MAX_CLIENT_FIELD_LENGTH = 200;

type Column = "hostname" | "os" | "hardware" | "policy" | "owner";

/** Header names we recognise, compared after lower-casing and dropping everything but letters and digits. */
const HEADER_ALIASES: Record<Column, string[]> = {
  hostname: ["hostname", "host", "client", "clientname", "clienthostname", "clienthost"],
  os: ["os", "operatingsystem", "ostype"],
  hardware: ["hardware", "hw", "hardwaretype"],
  policy: ["policy", "policies", "policyname", "backuppolicy"],
  owner: ["owner", "owners", "contact", "owneremail"],
};

const FIELD_LABELS: Record<Exclude<Column, "hostname">, string> = { os: "OS", hardware: "hardware", policy: "policy", owner: "owner" };

const BPPLCLIENTS_HEADER = /^hardware\s+os\s+client(\s*name)?$/i;
const DASHED_LINE = /^[-\s]*-[-\s]*$/;

const columnOf = (cell: string): Column | null => {
  const key = normaliseHeader(cell);
  for (const [column, aliases] of Object.entries(HEADER_ALIASES) as [Column, string[]][]) if (aliases.includes(key)) return column;
  return null;
};

/** Which of the two forms this text is; decided by its first non-blank line. */
export function detectClientListFormat(options: { text: string }): ClientListFormat {
  const first = firstNonBlankLine(options.text).trim();
  if (BPPLCLIENTS_HEADER.test(first)) return "bpplclients";
  // bpplclients never prints commas or semicolons; a CSV header nearly always has one.
  if (/[,;]/.test(first)) return "csv";
  // A tab-separated or single-column CSV is recognised by its hostname header cell.
  if (first.split(/\t/).some((cell) => columnOf(cell) === "hostname")) return "csv";
  return "bpplclients";
}

/**
 * Parses `text` and validates every client: a valid host name, not twice in the list (compared
 * case-insensitively, as DNS does) and not already in the project (`existingHostnames`).
 * Clients with an error are left out of `clients`; the caller imports nothing while `errors` is
 * non-empty.
 */
export function parseClientList(options: { text: string; format?: ClientListFormat | "auto"; existingHostnames?: Iterable<string> }): ClientListParse {
  const text = normaliseText(options.text);
  const format = !options.format || options.format === "auto" ? detectClientListFormat({ text }) : options.format;
  const raw = format === "csv" ? readClientCsv(text) : readBpplclients(text);
  const errors = [...raw.errors];
  if (raw.clients.length === 0 && errors.length === 0) errors.push({ line: 1, hostname: null, message: "No clients found in the list." });
  const existing = new Set<string>();
  for (const name of options.existingHostnames ?? []) existing.add(name.toLowerCase());
  const firstLineOf = new Map<string, number>();
  const clients: ParsedClient[] = [];
  for (const candidate of raw.clients) {
    if (clients.length >= MAX_IMPORT_CLIENTS) {
      errors.push({ line: candidate.line, hostname: candidate.hostname, message: `More than ${MAX_IMPORT_CLIENTS.toLocaleString("en-GB")} clients in one import; split the list.` });
      break;
    }
    const problem = checkClient(candidate);
    if (problem) {
      errors.push({ line: candidate.line, hostname: candidate.hostname || null, message: problem });
      continue;
    }
    const key = candidate.hostname.toLowerCase();
    if (existing.has(key)) {
      errors.push({ line: candidate.line, hostname: candidate.hostname, message: `"${candidate.hostname}" is already a client of this project.` });
      continue;
    }
    const firstLine = firstLineOf.get(key);
    if (firstLine !== undefined) {
      errors.push({ line: candidate.line, hostname: candidate.hostname, message: `"${candidate.hostname}" is listed twice (first on line ${firstLine}).` });
      continue;
    }
    firstLineOf.set(key, candidate.line);
    clients.push(candidate);
  }
  errors.sort((a, b) => a.line - b.line);
  return { format, clients, errors };
}

/** "Line 7: …" — how an error is shown outside a table. */
export function formatLineError(error: ClientLineError): string {
  return `Line ${error.line}: ${error.message}`;
}

function checkClient(client: ParsedClient): string | null {
  if (client.hostname === "") return "The host name is empty.";
  const parsed = hostnameSchema.safeParse(client.hostname);
  if (!parsed.success) return `${parsed.error.issues[0]?.message.replace(/\.$/, "") ?? "Not a valid host name"}: "${client.hostname}".`;
  for (const field of ["os", "hardware", "policy", "owner"] as const) {
    if (client[field].length > MAX_CLIENT_FIELD_LENGTH) return `The ${FIELD_LABELS[field]} is longer than ${MAX_CLIENT_FIELD_LENGTH} characters.`;
  }
  return null;
}

interface RawRead {
  clients: ParsedClient[];
  errors: ClientLineError[];
}

// ---------------------------------------------------------------- bpplclients

function readBpplclients(text: string): RawRead {
  const clients: ParsedClient[] = [];
  const errors: ClientLineError[] = [];
  let seenContent = false;
  splitLines(text).forEach((rawLine, index) => {
    const line = index + 1;
    const content = rawLine.trim();
    if (content === "" || content.startsWith("#")) return;
    // Without -noheader: "Hardware  OS  Client" then a dashed underline.
    if (!seenContent && BPPLCLIENTS_HEADER.test(content)) {
      seenContent = true;
      return;
    }
    seenContent = true;
    if (DASHED_LINE.test(content)) return;
    const fields = content.split(/\s+/);
    if (fields.length === 1) {
      clients.push({ line, hostname: fields[0], os: "", hardware: "", policy: "", owner: "" });
    } else if (fields.length === 2) {
      errors.push({ line, hostname: null, message: `Expected hardware, OS and client name separated by spaces; found 2 fields ("${content}").` });
    } else {
      // Client names never contain spaces; an OS name occasionally does, so the middle is the OS.
      clients.push({ line, hardware: fields[0], os: fields.slice(1, -1).join(" "), hostname: fields[fields.length - 1], policy: "", owner: "" });
    }
  });
  return { clients, errors };
}

// ---------------------------------------------------------------- CSV

function readClientCsv(text: string): RawRead {
  const clients: ParsedClient[] = [];
  const errors: ClientLineError[] = [];
  // Trimmed: tabs padding a pasted header line are not separators between its names.
  const { delimiter, header: headerRow, records } = readCsv(text, { delimiter: detectDelimiter(firstNonBlankLine(text).trim()) });
  if (!headerRow) return { clients, errors };
  const seen = new Set<Column>();
  const header = headerRow.cells.map(columnOf).map((column) => (column && !seen.has(column) ? (seen.add(column), column) : null));
  if (!header.includes("hostname")) {
    errors.push({
      line: headerRow.line,
      hostname: null,
      message: `The header has no hostname column (found: ${headerRow.cells.map((c) => `"${c}"`).join(", ")}). Name the columns hostname, os, policy, owner.`,
    });
    return { clients, errors };
  }
  for (const { line, cells, quoteError } of records) {
    if (cells.every((c) => c === "")) continue;
    if (quoteError) {
      errors.push({ line, hostname: null, message: UNCLOSED_QUOTE_MESSAGE });
      continue;
    }
    const client: ParsedClient = { line, hostname: "", os: "", hardware: "", policy: "", owner: "" };
    header.forEach((column, i) => {
      if (column) client[column] = cells[i] ?? "";
    });
    const extra = cells.slice(header.length).filter((c) => c !== "");
    if (extra.length > 0) {
      errors.push({
        line,
        hostname: client.hostname || null,
        message: `${cells.length} fields, but the header has ${header.length} columns. A value containing "${delimiterLabel(delimiter)}" must be in double quotes.`,
      });
      continue;
    }
    clients.push(client);
  }
  return { clients, errors };
}
