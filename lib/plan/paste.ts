/**
 * Rows copied from Excel (or any spreadsheet) and pasted into the plan: read through the import's
 * parser (lib/import/steps.ts), so a pasted row means what the same row in an imported file
 * means. Pure and client-safe: the browser runs it for the preview, the server again on the same
 * text before writing anything.
 *
 * Differences from a file import, and why:
 * - A header row is optional. Copying a few rows out of a sheet rarely includes it; without one
 *   the columns are read in the plan table's order: Title, Team, Owner, Minutes.
 * - The target phase is the one chosen in the plan, so a phase column is ignored.
 * - Owners are people as the sheet names them: an active user's email or full name (case and
 *   spacing ignored). The import's email-only check would refuse "Olivia Operator".
 */
import { defaultImportOptions, formatImportError, guessColumnMapping, IMPORT_FIELD_LABELS, parseCsv, validateStepImport, type ImportField, type ParsedCsv } from "../import/steps";
import type { StepKindName } from "../runs/model";

/** The columns of a paste without a header row: the plan table's own order. */
export const HEADERLESS_COLUMNS = ["Title", "Team", "Owner", "Minutes"] as const;
export const MAX_PASTE_ROWS = 200;

export interface PasteUser {
  id: string;
  name: string;
  email?: string;
  /** Why they can't be assigned steps in this project (a viewer there); the server says, the row is refused. */
  problem?: string | null;
}

export interface PastedStep {
  /** 1-based row of the pasted block (the first data row is 1). */
  row: number;
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  assigneeId: string | null;
  assigneeName: string | null;
  plannedMinutes: number;
  /** False for a blank, "TBD"… duration (stored as 0 minutes, "not estimated"). */
  estimated: boolean;
  kind: StepKindName;
  /** Rows of this paste it waits for. */
  predecessorRows: number[];
}

export interface PasteProblem {
  row: number | null;
  column: string | null;
  message: string;
}

export interface PastedRows {
  hasHeader: boolean;
  /** The column headers as read (or HEADERLESS_COLUMNS). */
  columns: string[];
  steps: PastedStep[];
  errors: PasteProblem[];
  warnings: PasteProblem[];
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

/** Words of the parser's messages that name the field they are about, to name the column in a row error. */
const FIELD_WORDS: [ImportField, RegExp][] = [
  ["title", /\btitle\b/i],
  ["team", /\bteam\b/i],
  ["plannedMinutes", /duration|minutes|hours/i],
  ["kind", /\bkind\b/i],
  ["predecessors", /predecessor/i],
  ["details", /\bdetails\b/i],
  ["commands", /\bcommands\b/i],
  ["verification", /\bcheck\b|verification/i],
];

export function formatPasteProblem(problem: PasteProblem): string {
  const where = [problem.row !== null ? `Row ${problem.row}` : null, problem.column ? `column "${problem.column}"` : null].filter(Boolean).join(", ");
  return where ? `${where}: ${problem.message}` : problem.message;
}

function readWithHeader(text: string): { parsed: ParsedCsv; hasHeader: boolean } {
  const first = parseCsv(text);
  const mapping = guessColumnMapping(first.headers);
  if (mapping.title !== undefined && mapping.title !== null) return { parsed: first, hasHeader: true };
  const header = HEADERLESS_COLUMNS.join(first.delimiter || "\t");
  return { parsed: parseCsv(`${header}\n${text}`), hasHeader: false };
}

/**
 * Reads pasted rows; `users` are the people who may be assigned (active users). The browser knows
 * names but not emails: with `emailsCheckedLater` an owner written as an email address passes the
 * preview (named as written) and the server, which knows the emails, decides.
 */
export function readPastedSteps(options: { text: string; users: readonly PasteUser[]; emailsCheckedLater?: boolean }): PastedRows {
  const text = options.text.replace(/^\uFEFF/, "").replace(/[\r\n]+$/, "");
  const empty = (message: string): PastedRows => ({ hasHeader: false, columns: [], steps: [], errors: [{ row: null, column: null, message }], warnings: [] });
  if (text.trim() === "") return empty("Nothing to paste: copy some rows in Excel first.");
  const { parsed, hasHeader } = readWithHeader(text);
  const columns = parsed.headers;
  if (parsed.fileErrors.length > 0) return { ...empty(parsed.fileErrors.join(" ")), hasHeader, columns };
  const dataRows = parsed.records.filter((r) => r.cells.some((c) => c.trim() !== "")).length;
  if (dataRows === 0) return { ...empty("Only a header row was pasted: copy the rows under it too."), hasHeader, columns };
  if (dataRows > MAX_PASTE_ROWS) return { ...empty(`${dataRows} rows pasted; at most ${MAX_PASTE_ROWS} at once. Use Import for whole plans.`), hasHeader, columns };

  const importOptions = defaultImportOptions(parsed);
  const ownerColumn = importOptions.mapping.assignee ?? null;
  // The chosen phase decides; the owners are resolved here, by name or email.
  const mapping = { ...importOptions.mapping, phase: null, assignee: null };
  const result = validateStepImport({ parsed, options: { ...importOptions, mapping, rowOrder: "sequence" }, knownEmails: null, name: "Pasted rows" });

  const columnOf = (field: ImportField): string | null => {
    const index = mapping[field];
    return index === undefined || index === null ? null : (columns[index] ?? IMPORT_FIELD_LABELS[field]);
  };
  const locate = (message: string): string | null => {
    const hits = FIELD_WORDS.filter(([, word]) => word.test(message)).map(([field]) => columnOf(field)).filter((c): c is string => c !== null);
    return hits.length === 1 ? hits[0] : null;
  };
  const errors: PasteProblem[] = result.errors.map((e) => ({ row: e.row, column: e.row === null ? null : locate(e.message), message: e.message }));
  const warnings: PasteProblem[] = result.warnings.map((w) => ({ row: w.row, column: w.row === null ? null : locate(w.message), message: w.row === null ? formatImportError(w) : w.message }));

  const byEmail = new Map(options.users.filter((u) => u.email).map((u) => [u.email!.trim().toLowerCase(), u]));
  const byName = new Map<string, PasteUser[]>();
  for (const user of options.users) byName.set(collapse(user.name), [...(byName.get(collapse(user.name)) ?? []), user]);
  const owners = new Map<number, PasteUser>();
  if (ownerColumn !== null) {
    const header = columns[ownerColumn] ?? "Owner";
    for (const record of parsed.records) {
      const raw = (record.cells[ownerColumn] ?? "").trim();
      if (raw === "") continue;
      const named = byName.get(collapse(raw)) ?? [];
      const user = byEmail.get(raw.toLowerCase()) ?? (named.length === 1 ? named[0] : undefined);
      if (user?.problem) errors.push({ row: record.row, column: header, message: user.problem });
      else if (user) owners.set(record.row, user);
      else if (options.emailsCheckedLater && named.length === 0 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) owners.set(record.row, { id: "", name: raw });
      else if (named.length > 1) errors.push({ row: record.row, column: header, message: `${named.length} people are called "${raw}"; use their email instead.` });
      else errors.push({ row: record.row, column: header, message: `No active user is called "${raw}" (or has that email).` });
    }
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  if (errors.length > 0 || !result.document) return { hasHeader, columns, steps: [], errors, warnings };

  const estimatedByRow = new Map(result.rows.map((r) => [r.row, r.estimated]));
  const steps: PastedStep[] = result.document.phases.flatMap((phase) =>
    phase.steps.map((step) => {
      const row = Number(step.key);
      const owner = owners.get(row) ?? null;
      return {
        row,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        assigneeId: owner?.id || null,
        assigneeName: owner?.name ?? null,
        plannedMinutes: step.plannedMinutes,
        estimated: estimatedByRow.get(row) ?? true,
        kind: step.kind,
        predecessorRows: step.predecessors.map(Number),
      };
    }),
  );
  return { hasHeader, columns, steps: steps.sort((a, b) => a.row - b.row), errors: [], warnings };
}
