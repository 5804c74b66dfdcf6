/**
 * What importing a list does to the clients a project already has: the list is matched to them
 * by name (ignoring case, as NetBackup and DNS do); a client not there yet is added; one that is
 * there gets the fields it lacks filled in from the list and its policies merged with the list's,
 * but nothing it already says is overwritten: a disagreement is reported, not applied. A client
 * already ticked in a run keeps its host name exactly, empty or not: the record names it so.
 *
 * Pure (no I/O): the import service calls it with the project's clients inside its transaction,
 * and the dry run with the same clients read without one, so the preview is what happens.
 */
import type { ParsedClient } from "./parse";
import { MAX_CLIENT_FIELD_LENGTH } from "./parse";

export interface ExistingClient {
  id: string;
  hostname: string;
  networkHostname: string;
  os: string;
  hardware: string;
  policy: string;
  owner: string;
  /** Ticked (or ticked and set back) in some run: its host name is part of a record. */
  ticked: boolean;
}

export type FillableField = "networkHostname" | "os" | "hardware" | "owner";
export const FILLABLE_FIELDS: readonly FillableField[] = ["networkHostname", "os", "hardware", "owner"];
export const FIELD_NAMES: Record<FillableField | "policy", string> = { networkHostname: "host name", os: "OS", hardware: "hardware", owner: "owner", policy: "policy" };

export interface ClientFill {
  id: string;
  hostname: string;
  /** 1-based line of the list the facts came from. */
  line: number;
  /** The new values, only of the fields that change. */
  changes: Partial<Record<FillableField | "policy", string>>;
  /** The same as words: "OS Windows2019", "policy + SQL-Daily". */
  filled: string[];
}

export interface FillConflict {
  hostname: string;
  line: number;
  field: FillableField;
  kept: string;
  listed: string;
  /** Why the list's value was not used. */
  reason: string;
}

export interface ReimportPlan {
  added: ParsedClient[];
  updated: ClientFill[];
  /** Listed clients the project has with nothing to add. */
  unchanged: number;
  conflicts: FillConflict[];
}

const policiesOf = (value: string) =>
  value
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");

export function planReimport(options: { clients: readonly ParsedClient[]; existing: readonly ExistingClient[] }): ReimportPlan {
  const byName = new Map(options.existing.map((c) => [c.hostname.toLowerCase(), c]));
  const plan: ReimportPlan = { added: [], updated: [], unchanged: 0, conflicts: [] };
  for (const listed of options.clients) {
    const current = byName.get(listed.hostname.toLowerCase());
    if (!current) {
      plan.added.push(listed);
      continue;
    }
    const fill: ClientFill = { id: current.id, hostname: current.hostname, line: listed.line, changes: {}, filled: [] };
    for (const field of FILLABLE_FIELDS) {
      const value = listed[field].trim();
      if (value === "" || value.toLowerCase() === current[field].toLowerCase()) continue;
      if (field === "networkHostname" && current.ticked) {
        plan.conflicts.push({ hostname: current.hostname, line: listed.line, field, kept: current[field], listed: value, reason: "already ticked in a run, so its host name stays as recorded" });
      } else if (current[field] !== "") {
        plan.conflicts.push({ hostname: current.hostname, line: listed.line, field, kept: current[field], listed: value, reason: "the project's value is kept; edit the client to change it" });
      } else {
        fill.changes[field] = value;
        fill.filled.push(`${FIELD_NAMES[field]} ${value}`);
      }
    }
    const have = policiesOf(current.policy);
    const known = new Set(have.map((p) => p.toLowerCase()));
    const extra = policiesOf(listed.policy).filter((p) => !known.has(p.toLowerCase()) && (known.add(p.toLowerCase()), true));
    if (extra.length > 0) {
      const merged = [...have, ...extra].join(", ");
      // A merged list longer than the field holds keeps what the client had; the rest is reported.
      if (merged.length <= MAX_CLIENT_FIELD_LENGTH) {
        fill.changes.policy = merged;
        fill.filled.push(`policy + ${extra.join(", ")}`);
      }
    }
    if (fill.filled.length > 0) plan.updated.push(fill);
    else plan.unchanged += 1;
  }
  return plan;
}
