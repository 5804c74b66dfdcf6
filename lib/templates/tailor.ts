import type { RunbookDocumentInput } from "./runbook-document";

type StepInput = RunbookDocumentInput["phases"][number]["steps"][number];

/**
 * Edits that turn one runbook document into a variant of it (lib/templates/netbackup-variants.ts):
 * replace fields of a step, drop a step, or rewrite every step's text. Pure, so the server and the
 * tests build the same variant.
 */
export interface TemplateEdits {
  name?: string;
  description?: string;
  /** Fields merged over the step with that key (its key stays). */
  steps?: Record<string, Partial<Omit<StepInput, "key">>>;
  /** Steps that don't exist in this variant. Their successors wait for their predecessors instead. */
  remove?: readonly string[];
  /** Applied to every step after `steps` and `remove`, for wording that changes across the whole document. */
  eachStep?: (step: StepInput) => StepInput;
  /** Applied to phase titles and descriptions, and to the document's description unless `description` is given. */
  eachText?: (text: string) => string;
}

/** References to step numbers in the prose: "step 16", "steps 11 and 16", "Gate 24", "(20, 21)", "(R1 before R2)", "R4". */
const NUMBER = String.raw`R?\d+`;
const JOIN = String.raw`(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*–\s*|\s+before\s+)`;
const LIST = `${NUMBER}(?:${JOIN}${NUMBER})*`;
// One pass, so a number is rewritten once: worded lists, bracketed lists, then a lone rollback key.
// Numbers that aren't step references (ports, versions like "(8.1 and later)") don't match.
const REFERENCE = new RegExp(String.raw`\b([Ss]teps?|[Gg]ate)\s+(${LIST})(?!\d|\.\d)|\((${LIST})\)|\bR\d+\b`, "g");

/** Marks a reference to a step the variant dropped; tests assert no variant keeps one. */
export const DANGLING_REFERENCE = "(a step not in this variant)";

function remapList(list: string, keys: ReadonlyMap<string, string>): string {
  return list.replace(new RegExp(NUMBER, "g"), (key) => keys.get(key) ?? key);
}

/** Rewrites step numbers in prose after renumbering. */
export function remapStepReferences(text: string, keys: ReadonlyMap<string, string>): string {
  if (![...keys].some(([from, to]) => from !== to)) return text;
  return text.replace(REFERENCE, (match, word: string | undefined, worded: string | undefined, bracketed: string | undefined) =>
    word !== undefined ? `${word} ${remapList(worded!, keys)}` : bracketed !== undefined ? `(${remapList(bracketed, keys)})` : remapList(match, keys),
  );
}

/**
 * Applies the edits, then renumbers: forward steps 1..n and rollback steps R1..Rn in plan order
 * (the numbers the run page shows), predecessors and the prose's step references follow, and the
 * rollback phase's "window end − N min" is recomputed.
 */
export function tailorDocument(document: RunbookDocumentInput, edits: TemplateEdits): RunbookDocumentInput {
  const removed = new Set(edits.remove ?? []);
  const all = document.phases.flatMap((phase) => phase.steps);
  const byKey = new Map(all.map((step) => [step.key, step]));
  for (const key of [...removed, ...Object.keys(edits.steps ?? {})]) if (!byKey.has(key)) throw new Error(`Template edit names an unknown step "${key}".`);
  // A removed step's successors inherit its predecessors (transitively, for removed chains).
  const resolve = (key: string, seen = new Set<string>()): string[] => {
    if (!removed.has(key)) return [key];
    if (seen.has(key)) return [];
    seen.add(key);
    return (byKey.get(key)!.predecessors ?? []).flatMap((p) => resolve(p, seen));
  };
  const text = edits.eachText ?? ((t: string) => t);
  const phases = document.phases
    .map((phase) => ({
      ...phase,
      title: text(phase.title),
      description: phase.description === undefined ? undefined : text(phase.description),
      steps: phase.steps
        .filter((step) => !removed.has(step.key))
        .map((step) => {
          const merged: StepInput = { ...step, ...(edits.steps?.[step.key] ?? {}) };
          const predecessors = merged.predecessors ? [...new Set(merged.predecessors.flatMap((p) => resolve(p)))] : merged.predecessors;
          const edited = { ...merged, ...(predecessors ? { predecessors } : {}) };
          return edits.eachStep ? edits.eachStep(edited) : edited;
        }),
    }))
    .filter((phase) => phase.steps.length > 0);

  const keys = new Map<string, string>();
  let forward = 0;
  let rollback = 0;
  for (const step of phases.flatMap((p) => p.steps)) keys.set(step.key, step.kind === "ROLLBACK" ? `R${++rollback}` : String(++forward));
  for (const key of removed) keys.set(key, DANGLING_REFERENCE);
  const renumber = (t: string | undefined) => (t === undefined ? t : remapStepReferences(t, keys));
  const rollbackMinutes = phases.flatMap((p) => p.steps).reduce((total, s) => total + (s.kind === "ROLLBACK" ? s.plannedMinutes : 0), 0);

  return {
    ...document,
    // The name identifies the built-in template (the picker, the audit trail): variants keep it.
    name: edits.name ?? document.name,
    description: edits.description ?? (document.description === undefined ? undefined : text(document.description)),
    phases: phases.map((phase) => ({
      ...phase,
      description: phase.steps.some((s) => s.kind === "ROLLBACK") ? phase.description?.replace(/− \d+ min/, `− ${rollbackMinutes} min`) : renumber(phase.description),
      steps: phase.steps.map((step) => ({
        ...step,
        key: keys.get(step.key)!,
        title: renumber(step.title)!,
        details: renumber(step.details),
        commands: renumber(step.commands),
        verification: renumber(step.verification),
        predecessors: step.predecessors?.map((p) => keys.get(p)!),
      })),
    })),
  };
}
