import type { FleetActionName, StepKindName } from "../runs/model";

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
        assigneeId: step.assigneeId,
        assigneeName: step.assigneeName,
        plannedMinutes: step.plannedMinutes,
        kind: step.kind,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        predecessorIds: [...step.predecessorIds].sort(),
      })),
    })),
  });
}

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
  // A step "moved" when the step before it changed, counting only steps in both plans: adding or
  // removing a step elsewhere shifts indexes but moves nothing.
  const previousId = (m: Map<string, Located>, other: Map<string, Located>) => {
    const order = [...m.keys()].filter((id) => other.has(id));
    return new Map(order.map((id, i) => [id, i > 0 ? order[i - 1] : null]));
  };
  const prevA = previousId(a, b);
  const prevB = previousId(b, a);
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
        if (was.phase.id === now.phase.id && prevA.get(id) !== prevB.get(id)) {
          fields.push({ field, before: `#${was.position}`, after: `#${now.position}` });
        }
      } else if (field === "predecessorIds") {
        const x = [...was.step.predecessorIds].sort().join(",");
        const y = [...now.step.predecessorIds].sort().join(",");
        if (x !== y) fields.push({ field, before: titlesOf(was.step.predecessorIds, a, b), after: titlesOf(now.step.predecessorIds, b, a) });
      } else if (was.step[field] !== now.step[field]) {
        fields.push({ field, before: show(was.step[field]), after: show(now.step[field]) });
      }
    }
    if (fields.length > 0) steps.push({ id, title: now.step.title, change: "changed", fields });
  }
  for (const [id, was] of a) if (!b.has(id)) steps.push({ id, title: was.step.title, change: "removed", fields: [] });

  const phases: PlanDiffPhase[] = [];
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
    if (was.index !== now.index) fields.push({ field: "position", before: `#${was.index + 1}`, after: `#${now.index + 1}` });
    if (fields.length > 0) phases.push({ id, title: now.phase.title, change: "changed", fields });
  }
  for (const [id, was] of phasesA) if (!phasesB.has(id)) phases.push({ id, title: was.phase.title, change: "removed", fields: [] });

  return { steps, phases, empty: steps.length === 0 && phases.length === 0 };
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
