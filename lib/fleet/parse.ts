/**
 * Turns a client list as admins have it into fleet clients, with every problem reported by line:
 *
 * - NetBackup output of `bpplclients` in each shape admins paste: plain `bpplclients` (a client
 *   once per policy it is in), `-allunique`, with or without `-noheader` ("hardware  OS  client"
 *   per line; the optional "Hardware OS Client" header and its dashed underline skipped), and
 *   `-allunique -l` (`CLIENT <name> <hardware> <os> <priority> …`, `*NULL*` for an empty field).
 * - A plain host list, one name a line.
 * - CSV with a header row naming hostname, os, policy, owner (and optionally hardware), in any
 *   case and order; comma, semicolon or tab separated (Excel exports use all three); BOM and CRLF
 *   tolerated; one row per policy and client is fine.
 *
 * VMware and Hyper-V policies may list a VM by its display name ("SQL Server 2019 (prod)"): the
 * display name is kept as the client's name, its host name (a CSV's host name column) apart.
 *
 * A client listed more than once (compared case-insensitively, as DNS does) is merged into one,
 * its policies collected: that is what plain `bpplclients` and per-policy spreadsheets look like,
 * so it is information, not an error.
 *
 * Pure (no I/O, no "server-only"): the server's import calls it with the hostnames already in
 * the project, and the unit tests call it directly.
 */
import { delimiterLabel, detectDelimiter, firstNonBlankLine, normaliseHeader, normaliseText, readCsv, splitLines, UNCLOSED_QUOTE_MESSAGE } from "../platform/csv";
import { z } from "zod";
import { clientFamily } from "./model";

export type ClientListFormat = "csv" | "bpplclients";
/** The finer shape, for the preview: which output the text looked like. */
export type ClientListShape = "csv" | "bpplclients" | "bpplclients-long" | "host-list";

export const CLIENT_NAME_MESSAGE = "Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit)";

/**
 * A NetBackup client name: letters, digits, ".", "-", "_" and "+" (NetBackup allows the last two,
 * DNS does not, and real fleets have "sql_prod01" and "exch+mbx"). It must start with a letter or
 * digit and have no empty dot-separated part: a leading "-" would read as an option where the
 * name goes into a copied shell command (lib/fleet/bpconf.ts re-checks the same pattern).
 */
export const CLIENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+-]*(\.[A-Za-z0-9_+-]+)*$/;

/**
 * A VM's display name as VMware or Hyper-V policies list it: any printable text (spaces,
 * parentheses, …) but no control characters. Accepted as a client's name only for an agentless
 * client or one whose host name is given too: such a name never goes into a command.
 */
export const DISPLAY_NAME_PATTERN = /^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u;

export const clientName = z
  .string()
  .trim()
  .min(1, { message: "Host name is required.", abort: true })
  .max(253, "Host name is too long.")
  .regex(CLIENT_NAME_PATTERN, `${CLIENT_NAME_MESSAGE}.`);

export interface ParsedClient {
  /** 1-based line of the input the client came from. */
  line: number;
  /** The name the list gives the client: a NetBackup client name or a VM's display name. */
  hostname: string;
  /** Its network host name when the list gives one apart from the name; empty otherwise. */
  networkHostname: string;
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

/** One client that appeared on several lines and was merged into the first. */
export interface MergedClient {
  hostname: string;
  /** Every line it was on, the first (the one kept) included. */
  lines: number[];
  policies: string[];
}

export interface ClientListParse {
  format: ClientListFormat;
  shape: ClientListShape;
  /** One per client: duplicates merged into the first line they appeared on. */
  clients: ParsedClient[];
  /** Lines that can't be imported; `clients` leaves them out. */
  errors: ClientLineError[];
  merged: MergedClient[];
  /** How many lines were folded into an earlier one (lines listing an already-listed client). */
  mergedRows: number;
}

/** More than this in one paste is almost certainly the wrong file; it also bounds one transaction. */
export const MAX_IMPORT_CLIENTS = 10_000;
export const MAX_CLIENT_FIELD_LENGTH = 200;

type Column = "hostname" | "networkHostname" | "os" | "hardware" | "policy" | "owner";

/** Header names we recognise, compared after lower-casing and dropping everything but letters and digits. */
const HEADER_ALIASES: Record<Exclude<Column, "networkHostname">, string[]> = {
  hostname: ["hostname", "host", "client", "clientname", "clienthostname", "clienthost"],
  os: ["os", "operatingsystem", "ostype"],
  hardware: ["hardware", "hw", "hardwaretype"],
  policy: ["policy", "policies", "policyname", "backuppolicy"],
  owner: ["owner", "owners", "contact", "owneremail"],
};

/**
 * A column naming the client by a name that need not be its host ("Client", "Display name"): with
 * one of these in the header, a host name column holds the client's network host name.
 */
const NAME_ALIASES = ["client", "clientname", "displayname", "vmname", "vmdisplayname", "assetname"];
/** Host name columns: the client's name on their own, its network host name next to a name column. */
const HOST_ALIASES = ["hostname", "host", "clienthostname", "clienthost", "dnsname", "fqdn", "networkname", "networkhostname"];

const FIELD_LABELS: Record<Exclude<Column, "hostname">, string> = { networkHostname: "host name", os: "OS", hardware: "hardware", policy: "policy", owner: "owner" };

const BPPLCLIENTS_HEADER = /^hardware\s+os\s+client(\s*name)?$/i;
const DASHED_LINE = /^[-\s]*-[-\s]*$/;
/** `bpplclients -l`: "CLIENT <name> <hardware> <os> <priority> …". */
const LONG_LINE = /^CLIENT\s+\S+\s+\S+/;
/** The fields of a `-l` line after the OS: priority and the like, numbers or "?". */
const LONG_TAIL_FIELD = /^(-?\d+|\?|\*NULL\*)$/;
/** A hardware column naming a hypervisor or filer: the OS is one word after it, the rest of the line is a display name. */
const AGENTLESS_HARDWARE_FIELD = /^(vmware|hyper-?v|ndmp|nutanix([-_]?ahv)?|ahv|openstack|rhv)$/i;
/** How `-l` output prints an empty field. */
const NULL_FIELD = "*NULL*";

const columnOf = (cell: string): Column | null => {
  const key = normaliseHeader(cell);
  if (NAME_ALIASES.includes(key) || HOST_ALIASES.includes(key)) return "hostname";
  for (const [column, aliases] of Object.entries(HEADER_ALIASES) as [Column, string[]][]) if (aliases.includes(key)) return column;
  return null;
};

/** A header's columns: with a name column and a host name column, the host name one becomes `networkHostname`. */
function headerColumns(cells: string[]): (Column | null)[] {
  const keys = cells.map(normaliseHeader);
  const nameAt = keys.findIndex((k) => NAME_ALIASES.includes(k));
  const hostAt = keys.findIndex((k) => HOST_ALIASES.includes(k));
  const seen = new Set<Column>();
  return cells.map((cell, i) => {
    let column = columnOf(cell);
    if (column === "hostname" && nameAt >= 0 && hostAt >= 0) column = i === nameAt ? "hostname" : i === hostAt ? "networkHostname" : null;
    if (!column || seen.has(column)) return null;
    seen.add(column);
    return column;
  });
}

/** Which of the two forms this text is; decided by its first non-blank line. */
export function detectClientListFormat(options: { text: string }): ClientListFormat {
  const first = firstNonBlankLine(normaliseText(options.text)).trim();
  if (BPPLCLIENTS_HEADER.test(first) || LONG_LINE.test(first)) return "bpplclients";
  // bpplclients never prints commas or semicolons; a CSV header nearly always has one.
  if (/[,;]/.test(first)) return "csv";
  // A tab-separated or single-column CSV is recognised by its hostname header cell.
  if (first.split(/\t/).some((cell) => columnOf(cell) === "hostname")) return "csv";
  return "bpplclients";
}

/** The finer shape: CSV, `bpplclients` (with or without header), `-l` long form, or a plain host list. */
export function detectClientListShape(options: { text: string }): ClientListShape {
  const text = normaliseText(options.text);
  if (detectClientListFormat({ text }) === "csv") return "csv";
  return shapeOfBpplclients(text);
}

function shapeOfBpplclients(text: string): ClientListShape {
  let single = 0;
  let multi = 0;
  for (const raw of splitLines(text)) {
    const content = raw.trim();
    if (content === "" || content.startsWith("#") || DASHED_LINE.test(content)) continue;
    if (BPPLCLIENTS_HEADER.test(content)) return "bpplclients";
    if (LONG_LINE.test(content)) return "bpplclients-long";
    if (content.split(/\s+/).length === 1) single += 1;
    else multi += 1;
  }
  return multi === 0 && single > 0 ? "host-list" : "bpplclients";
}

/**
 * Parses `text` and validates every client: a valid NetBackup client name (or a VM display name,
 * see DISPLAY_NAME_PATTERN). Whether a client is already in the project is the import's business
 * (it fills in what the project's copy lacks). A client on several lines is merged into its first line, its
 * policies collected and its other blank fields filled from the later lines. Lines with an error
 * are left out of `clients`; the caller decides whether to import the rest.
 */
export function parseClientList(options: { text: string; format?: ClientListFormat | "auto" }): ClientListParse {
  const text = normaliseText(options.text);
  const format = !options.format || options.format === "auto" ? detectClientListFormat({ text }) : options.format;
  const raw = format === "csv" ? readClientCsv(text) : readBpplclients(text);
  const shape: ClientListShape = format === "csv" ? "csv" : shapeOfBpplclients(text);
  const errors = [...raw.errors];
  if (raw.clients.length === 0 && errors.length === 0) errors.push({ line: 1, hostname: null, message: "No clients found in the list." });
  const byKey = new Map<string, { client: ParsedClient; lines: number[]; policies: string[] }>();
  let mergedRows = 0;
  let overLimit = false;
  for (const candidate of raw.clients) {
    const problem = checkClient(candidate);
    if (problem) {
      errors.push({ line: candidate.line, hostname: candidate.hostname || null, message: problem });
      continue;
    }
    const key = candidate.hostname.toLowerCase();
    const policies = splitPolicies(candidate.policy);
    const first = byKey.get(key);
    if (first) {
      mergedRows += 1;
      first.lines.push(candidate.line);
      for (const p of policies) if (!first.policies.includes(p)) first.policies.push(p);
      for (const field of ["os", "hardware", "owner", "networkHostname"] as const) if (first.client[field] === "") first.client[field] = candidate[field];
      continue;
    }
    if (byKey.size >= MAX_IMPORT_CLIENTS) {
      if (!overLimit) errors.push({ line: candidate.line, hostname: candidate.hostname, message: `More than ${MAX_IMPORT_CLIENTS.toLocaleString("en-GB")} clients in one import; split the list.` });
      overLimit = true;
      continue;
    }
    byKey.set(key, { client: { ...candidate }, lines: [candidate.line], policies });
  }
  const clients: ParsedClient[] = [];
  const merged: MergedClient[] = [];
  for (const entry of byKey.values()) {
    if (entry.lines.length > 1) {
      entry.client.policy = joinPolicies(entry.policies);
      merged.push({ hostname: entry.client.hostname, lines: entry.lines, policies: entry.policies });
    }
    clients.push(entry.client);
  }
  errors.sort((a, b) => a.line - b.line);
  return { format, shape, clients, errors, merged, mergedRows };
}

/** "Merged 12 repeated lines into 5 clients (a client once per policy)." — or null when nothing was merged. */
export function mergeNote(parse: Pick<ClientListParse, "merged" | "mergedRows">): string | null {
  if (parse.mergedRows === 0) return null;
  const rows = parse.mergedRows === 1 ? "1 repeated line" : `${parse.mergedRows.toLocaleString("en-GB")} repeated lines`;
  const clients = parse.merged.length === 1 ? "1 client" : `${parse.merged.length.toLocaleString("en-GB")} clients`;
  return `Merged ${rows} into ${clients}, their policies collected.`;
}

/** A policy cell may already list several ("A, B" or "A;B"): policy names never hold commas or semicolons. */
function splitPolicies(policy: string): string[] {
  return policy
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** The merged policies as one field, within its length limit: what doesn't fit is counted, not dropped silently. */
function joinPolicies(policies: string[]): string {
  const all = policies.join(", ");
  if (all.length <= MAX_CLIENT_FIELD_LENGTH) return all;
  for (let kept = policies.length - 1; kept >= 0; kept--) {
    const head = policies.slice(0, kept).join(", ");
    const tail = `${kept > 0 ? ", " : ""}+${policies.length - kept} more`;
    if (head.length + tail.length <= MAX_CLIENT_FIELD_LENGTH) return head + tail;
  }
  return `${policies.length} policies`;
}

/** "Line 7: …" — how an error is shown outside a table. */
export function formatLineError(error: ClientLineError): string {
  return `Line ${error.line}: ${error.message}`;
}

function checkClient(client: ParsedClient): string | null {
  if (client.hostname === "") return "The host name is empty.";
  if (client.networkHostname !== "") {
    const host = clientName.safeParse(client.networkHostname);
    if (!host.success) return `The host name of "${client.hostname}": ${host.error.issues[0]?.message.replace(/\.$/, "") ?? CLIENT_NAME_MESSAGE}: "${client.networkHostname}".`;
  }
  const parsed = clientName.safeParse(client.hostname);
  if (!parsed.success && !isAcceptableDisplayName(client)) return `${parsed.error.issues[0]?.message.replace(/\.$/, "") ?? CLIENT_NAME_MESSAGE}: "${client.hostname}".`;
  for (const field of ["networkHostname", "os", "hardware", "policy", "owner"] as const) {
    if (client[field].length > MAX_CLIENT_FIELD_LENGTH) return `The ${FIELD_LABELS[field]} is longer than ${MAX_CLIENT_FIELD_LENGTH} characters.`;
  }
  return null;
}

/**
 * A name that isn't a NetBackup client name may still be a VM's display name: for an agentless
 * client (its commands are never built) or one whose host name is listed too (commands use that).
 * Anything else with a space or a "/" is a typo worth reporting, as before.
 */
export function isAcceptableDisplayName(client: { hostname: string; networkHostname: string; os: string; hardware: string }): boolean {
  if (client.hostname.length > 253 || !DISPLAY_NAME_PATTERN.test(client.hostname)) return false;
  return client.networkHostname !== "" || clientFamily(client) === "AGENTLESS";
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
    const words = content.split(/\s+/);
    const fields = words.map((f) => (f === NULL_FIELD ? "" : f));
    const blank = { networkHostname: "", policy: "", owner: "" };
    if (LONG_LINE.test(content)) {
      clients.push({ line, ...blank, ...readLongLine(words.slice(1)) });
    } else if (fields.length === 1) {
      clients.push({ line, ...blank, hostname: fields[0], os: "", hardware: "" });
    } else if (fields.length === 2) {
      errors.push({ line, hostname: null, message: `Expected hardware, OS and client name separated by spaces; found 2 fields ("${content}").` });
    } else if (AGENTLESS_HARDWARE_FIELD.test(fields[0])) {
      // A VM or filer: the OS is one word ("Virtual_Machine", "NDMP") and the client may be listed
      // by its display name, spaces and all ("VMware  Virtual_Machine  SQL Server 2019 (prod)").
      clients.push({ line, ...blank, hardware: fields[0], os: fields[1], hostname: words.slice(2).join(" ") });
    } else {
      // Client names never contain spaces; an OS name occasionally does, so the middle is the OS.
      clients.push({ line, ...blank, hardware: fields[0], os: fields.slice(1, -1).join(" ").trim(), hostname: fields[fields.length - 1] });
    }
  });
  return { clients, errors };
}

/**
 * The words of a `-l` line after "CLIENT": <name> <hardware> <os> <priority> …. The name is one
 * word for an agent client, but a VM listed by display name has spaces in it, so the name is
 * everything before the last hardware and OS that only numbers ("0 -1 ?") follow. A line without
 * such a tail is read as one-word name, hardware, OS and whatever else.
 */
function readLongLine(words: string[]): { hostname: string; hardware: string; os: string } {
  const value = (word: string | undefined) => (word === undefined || word === NULL_FIELD ? "" : word);
  for (let nameLength = 1; nameLength + 2 <= words.length; nameLength++) {
    if (words.slice(nameLength + 2).every((w) => LONG_TAIL_FIELD.test(w))) {
      return { hostname: value(words.slice(0, nameLength).join(" ")), hardware: value(words[nameLength]), os: value(words[nameLength + 1]) };
    }
  }
  return { hostname: value(words[0]), hardware: value(words[1]), os: value(words[2]) };
}

// ---------------------------------------------------------------- CSV

function readClientCsv(text: string): RawRead {
  const clients: ParsedClient[] = [];
  const errors: ClientLineError[] = [];
  // Trimmed: tabs padding a pasted header line are not separators between its names.
  const { delimiter, header: headerRow, records } = readCsv(text, { delimiter: detectDelimiter(firstNonBlankLine(text).trim()) });
  if (!headerRow) return { clients, errors };
  const header = headerColumns(headerRow.cells);
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
    const client: ParsedClient = { line, hostname: "", networkHostname: "", os: "", hardware: "", policy: "", owner: "" };
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
