import type { FleetActionName, StepKindName } from "../runs/model";
import { normalizeLags } from "./timing";
import { approverLabel, NO_GO_OUTCOME_LABELS, type GateApprover, type NoGoOutcomeName, type RequiredField } from "./model";

/**
 * A plan as one value: what a run freezes when it starts, what a plan version records, and what
 * two versions (or a run and the current plan) are compared by. Ids are the plan's own ids, so a
 * retitled step is "changed", not "removed and added". Client-safe and pure.
 */
export interface PlanSnapshotStep {
  id: string;
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  assigneeId: string | null;
  assigneeName: string | null;
  plannedMinutes: number;
  kind: StepKindName;
  isFleet: boolean;
  fleetAction: FleetActionName | null;
  predecessorIds: string[];
  /** Gates: what a No-Go does, the approvals a Go needs, four-eyes. */
  noGoOutcome: NoGoOutcomeName;
  gateApprovers: GateApprover[];
  fourEyes: boolean;
  /** Values Done asks for. */
  requiredFields: RequiredField[];
  /** "HH:MM": a fixed-time step can't start before then. Missing (versions recorded before it) or "": none. */
  notBefore?: string;
  /** Minutes to wait after a predecessor, by predecessor id; only lags > 0. Missing: none. */
  predecessorLags?: Record<string, number>;
}

export interface PlanSnapshotPhase {
  id: string;
  title: string;
  description: string;
  inWindow: boolean;
  steps: PlanSnapshotStep[];
}

export interface PlanSnapshot {
  phases: PlanSnapshotPhase[];
}

/** The plan step's fields a run freezes, in the order a diff lists them. */
export const SNAPSHOT_STEP_FIELDS = [
  "title",
  "plannedMinutes",
  "kind",
  "assigneeName",
  "team",
  "details",
  "commands",
  "verification",
  "isFleet",
  "fleetAction",
  "predecessorIds",
  "predecessorLags",
  "notBefore",
  "noGoOutcome",
  "gateApprovers",
  "fourEyes",
  "requiredFields",
  "phase",
  "position",
] as const;
export type SnapshotStepField = (typeof SNAPSHOT_STEP_FIELDS)[number];

export const SNAPSHOT_FIELD_LABELS: Record<SnapshotStepField, string> = {
  title: "Title",
  plannedMinutes: "Planned minutes",
  kind: "Kind",
  assigneeName: "Assignee",
  team: "Team",
  details: "Details",
  commands: "Commands",
  verification: "Check",
  isFleet: "Fleet step",
  fleetAction: "Fleet action",
  predecessorIds: "Predecessors",
  predecessorLags: "Lags",
  notBefore: "Not before",
  noGoOutcome: "No-Go means",
  gateApprovers: "Approvals needed",
  fourEyes: "Four-eyes",
  requiredFields: "Values at sign-off",
  phase: "Phase",
  position: "Position",
};

/**
 * The snapshot with a fixed key order and sorted predecessor lists, as one JSON string: equal
 * plans give equal strings, so their hashes are equal too.
 */
export function canonicalPlanJson(snapshot: PlanSnapshot): string {
  return JSON.stringify({
    phases: snapshot.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      description: phase.description,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        id: step.id,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        // The assignee by id: renaming a person is not a change of the plan.
        assigneeId: step.assigneeId,
        plannedMinutes: step.plannedMinutes,
        kind: step.kind,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        predecessorIds: [...step.predecessorIds].sort(),
        noGoOutcome: step.noGoOutcome,
        gateApprovers: step.gateApprovers,
        fourEyes: step.fourEyes,
        requiredFields: step.requiredFields,
        // Only when set, so plans without them (and versions recorded before them) keep their hash.
        ...(step.notBefore ? { notBefore: step.notBefore } : {}),
        ...(Object.keys(lagsOf(step)).length > 0 ? { predecessorLags: lagsOf(step) } : {}),
      })),
    })),
  });
}

/** A step's lags, sorted and without zeros; missing means none. */
export const lagsOf = (step: Pick<PlanSnapshotStep, "predecessorLags" | "predecessorIds">) => normalizeLags(step.predecessorLags, step.predecessorIds);

export interface StepFieldChange {
  field: SnapshotStepField;
  before: string;
  after: string;
}

export interface PlanDiffStep {
  id: string;
  title: string;
  change: "added" | "removed" | "changed";
  fields: StepFieldChange[];
}

export interface PlanDiffPhase {
  id: string;
  title: string;
  change: "added" | "removed" | "changed";
  fields: { field: "title" | "description" | "inWindow" | "position"; before: string; after: string }[];
}

export interface PlanDiff {
  steps: PlanDiffStep[];
  phases: PlanDiffPhase[];
  /** True when nothing differs. */
  empty: boolean;
}

interface Located {
  step: PlanSnapshotStep;
  phase: PlanSnapshotPhase;
  /** Order in the whole plan, 1-based. */
  position: number;
}

function locate(snapshot: PlanSnapshot): Map<string, Located> {
  const out = new Map<string, Located>();
  let position = 0;
  for (const phase of snapshot.phases) for (const step of phase.steps) out.set(step.id, { step, phase, position: ++position });
  return out;
}

function titlesOf(ids: readonly string[], ...where: Map<string, Located>[]): string {
  if (ids.length === 0) return "none";
  return ids
    .map((id) => where.map((m) => m.get(id)?.step.title).find((t) => t !== undefined) ?? "a deleted step")
    .map((t) => `"${t}"`)
    .join(", ");
}

const show = (value: string | number | boolean | null) => (value === null || value === "" ? "none" : typeof value === "boolean" ? (value ? "yes" : "no") : String(value));

/**
 * What changed from `before` to `after`, step by step in `after`'s order (removed steps last), with
 * each changed field's old and new value as text. Moving a step counts as a change of its phase or
 * position; the steps that merely shifted because another one moved are not listed.
 */
export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanDiff {
  const a = locate(before);
  const b = locate(after);
  const steps: PlanDiffStep[] = [];
  const moved = movedWithinPhases(before, after);
  for (const [id, now] of b) {
    const was = a.get(id);
    if (!was) {
      steps.push({ id, title: now.step.title, change: "added", fields: [] });
      continue;
    }
    const fields: StepFieldChange[] = [];
    for (const field of SNAPSHOT_STEP_FIELDS) {
      if (field === "phase") {
        if (was.phase.id !== now.phase.id) fields.push({ field, before: was.phase.title, after: now.phase.title });
      } else if (field === "position") {
        if (moved.has(id)) {
          fields.push({ field, before: `#${was.position}`, after: `#${now.position}` });
        }
      } else if (field === "predecessorIds") {
        const x = [...was.step.predecessorIds].sort().join(",");
        const y = [...now.step.predecessorIds].sort().join(",");
        if (x !== y) fields.push({ field, before: titlesOf(was.step.predecessorIds, a, b), after: titlesOf(now.step.predecessorIds, b, a) });
      } else if (field === "predecessorLags") {
        const text = (step: PlanSnapshotStep, ...where: Map<string, Located>[]) =>
          Object.entries(lagsOf(step))
            .map(([id, m]) => `${m} min after ${titlesOf([id], ...where)}`)
            .join(", ") || "none";
        if (JSON.stringify(lagsOf(was.step)) !== JSON.stringify(lagsOf(now.step))) fields.push({ field, before: text(was.step, a, b), after: text(now.step, b, a) });
      } else if (field === "notBefore") {
        if ((was.step.notBefore ?? "") !== (now.step.notBefore ?? "")) fields.push({ field, before: show(was.step.notBefore ?? ""), after: show(now.step.notBefore ?? "") });
      } else if (field === "gateApprovers") {
        const x = was.step.gateApprovers.map(approverLabel).join(", ");
        const y = now.step.gateApprovers.map(approverLabel).join(", ");
        if (x !== y) fields.push({ field, before: x || "one decision", after: y || "one decision" });
      } else if (field === "requiredFields") {
        const x = was.step.requiredFields.map((f) => `${f.label} (${f.type})`).join(", ");
        const y = now.step.requiredFields.map((f) => `${f.label} (${f.type})`).join(", ");
        if (JSON.stringify(was.step.requiredFields) !== JSON.stringify(now.step.requiredFields)) fields.push({ field, before: x || "none", after: y || "none" });
      } else if (field === "noGoOutcome") {
        if (was.step.noGoOutcome !== now.step.noGoOutcome) fields.push({ field, before: NO_GO_OUTCOME_LABELS[was.step.noGoOutcome], after: NO_GO_OUTCOME_LABELS[now.step.noGoOutcome] });
      } else if (field === "assigneeName") {
        if (was.step.assigneeId !== now.step.assigneeId) fields.push({ field, before: show(was.step.assigneeName), after: show(now.step.assigneeName) });
      } else if (was.step[field] !== now.step[field]) {
        fields.push({ field, before: show(was.step[field]), after: show(now.step[field]) });
      }
    }
    if (fields.length > 0) steps.push({ id, title: now.step.title, change: "changed", fields });
  }
  for (const [id, was] of a) if (!b.has(id)) steps.push({ id, title: was.step.title, change: "removed", fields: [] });

  const phases: PlanDiffPhase[] = [];
  const movedPhases = movedItems(before.phases.map((p) => p.id), after.phases.map((p) => p.id));
  const phasesA = new Map(before.phases.map((p, i) => [p.id, { phase: p, index: i }]));
  const phasesB = new Map(after.phases.map((p, i) => [p.id, { phase: p, index: i }]));
  for (const [id, now] of phasesB) {
    const was = phasesA.get(id);
    if (!was) {
      phases.push({ id, title: now.phase.title, change: "added", fields: [] });
      continue;
    }
    const fields: PlanDiffPhase["fields"] = [];
    if (was.phase.title !== now.phase.title) fields.push({ field: "title", before: was.phase.title, after: now.phase.title });
    if (was.phase.description !== now.phase.description) fields.push({ field: "description", before: show(was.phase.description), after: show(now.phase.description) });
    if (was.phase.inWindow !== now.phase.inWindow) fields.push({ field: "inWindow", before: show(was.phase.inWindow), after: show(now.phase.inWindow) });
    if (movedPhases.has(id)) fields.push({ field: "position", before: `#${was.index + 1}`, after: `#${now.index + 1}` });
    if (fields.length > 0) phases.push({ id, title: now.phase.title, change: "changed", fields });
  }
  for (const [id, was] of phasesA) if (!phasesB.has(id)) phases.push({ id, title: was.phase.title, change: "removed", fields: [] });

  return { steps, phases, empty: steps.length === 0 && phases.length === 0 };
}

/**
 * The items that moved from `before` order to `after` order: of the items in both, those outside
 * the longest run that kept its relative order. Swapping two neighbours moves one; adding or
 * removing an item elsewhere moves none.
 */
export function movedItems(before: readonly string[], after: readonly string[]): Set<string> {
  const oldIndex = new Map(before.map((id, i) => [id, i]));
  const common = after.filter((id) => oldIndex.has(id));
  const seq = common.map((id) => oldIndex.get(id)!);
  // Longest increasing subsequence (patience sorting), keeping predecessors to rebuild it.
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const kept = new Set<string>();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) kept.add(common[i]);
  return new Set(common.filter((id) => !kept.has(id)));
}

/** Steps that changed place inside a phase they are in in both plans (a move to another phase is a phase change). */
function movedWithinPhases(before: PlanSnapshot, after: PlanSnapshot): Set<string> {
  const out = new Set<string>();
  const beforePhases = new Map(before.phases.map((p) => [p.id, p]));
  for (const phase of after.phases) {
    const old = beforePhases.get(phase.id);
    if (!old) continue;
    const stay = new Set(old.steps.map((s) => s.id));
    const now = phase.steps.map((s) => s.id).filter((id) => stay.has(id));
    const nowSet = new Set(now);
    for (const id of movedItems(old.steps.map((s) => s.id).filter((id) => nowSet.has(id)), now)) out.add(id);
  }
  return out;
}

/** One line for a plan version's list entry: "2 steps changed, 1 added". */
export function summarizeDiff(diff: PlanDiff): string {
  if (diff.empty) return "No changes";
  const count = (list: { change: string }[], change: string) => list.filter((x) => x.change === change).length;
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  for (const change of ["added", "changed", "removed"] as const) {
    const s = count(diff.steps, change);
    if (s > 0) parts.push(`${plural(s, "step")} ${change}`);
  }
  for (const change of ["added", "changed", "removed"] as const) {
    const p = count(diff.phases, change);
    if (p > 0) parts.push(`${plural(p, "phase")} ${change}`);
  }
  return parts.join(", ");
}
