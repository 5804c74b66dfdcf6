/**
 * The rules of a step's life in a run, as pure functions: what each action does to the status,
 * and why a step can't be started yet. Shared by the server (enforcement) and the UI (hints).
 */
import { FleetAction, RunKind, RunMode, RunStatus, StepKind, StepStatus } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";
import type { PlanDiff } from "../plan/snapshot";
import { approverLabel, fillsApprover, type GateApprover, type NoGoOutcomeName } from "../plan/model";

export const STEP_STATUSES = enumValues(StepStatus);
export type StepStatusName = StepStatus;
export const STEP_KINDS = enumValues(StepKind);
export type StepKindName = StepKind;
export type RunModeName = RunMode;
export type RunStatusName = RunStatus;
export const RUN_KINDS = enumValues(RunKind);
export const RUN_STATUSES = enumValues(RunStatus);
export const RUN_MODES = enumValues(RunMode);

/** What a fleet step asks of each client: it decides the lines and commands its panel offers. */
export const FLEET_ACTIONS = enumValues(FleetAction);
export type FleetActionName = FleetAction;
export const FLEET_ACTION_LABELS: Record<FleetActionName, string> = {
  UPDATE_BPCONF: "Update bp.conf SERVER lines",
  CHECK_CONNECTIVITY: "Check connectivity",
  GENERIC: "Other: tick each client",
};
/** Short form for badges next to a step's title. */
export const FLEET_PILL_LABELS: Record<FleetActionName, string> = { UPDATE_BPCONF: "Fleet · bp.conf", CHECK_CONNECTIVITY: "Fleet · connectivity", GENERIC: "Fleet" };

export const STEP_ACTIONS = ["start", "done", "skip", "fail"] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const FINISHED_STATUSES: ReadonlySet<StepStatusName> = new Set(["DONE", "SKIPPED"]);
export const isFinished = (status: StepStatusName) => FINISHED_STATUSES.has(status);
/** A closed step has a final outcome; it leaves that state only through an admin's undo. */
export const isClosed = (status: StepStatusName) => status === "DONE" || status === "SKIPPED" || status === "FAILED";

const ALLOWED_FROM: Record<StepAction, readonly StepStatusName[]> = {
  start: ["PENDING", "FAILED"],
  done: ["PENDING", "IN_PROGRESS"],
  skip: ["PENDING", "IN_PROGRESS"],
  fail: ["PENDING", "IN_PROGRESS"],
};

const RESULT: Record<StepAction, StepStatusName> = {
  start: "IN_PROGRESS",
  done: "DONE",
  skip: "SKIPPED",
  fail: "FAILED",
};

export type TransitionCheck = { ok: true; to: StepStatusName } | { ok: false; message: string };

export function checkTransition(input: { from: StepStatusName; action: StepAction; reason?: string }): TransitionCheck {
  const { from, action } = input;
  if ((action === "skip" || action === "fail") && !(input.reason ?? "").trim()) {
    return { ok: false, message: `A reason is required to ${action} a step.` };
  }
  if (!ALLOWED_FROM[action].includes(from)) {
    return { ok: false, message: `Can't ${action} a step that is ${STATUS_LABELS[from].toLowerCase()}.` };
  }
  return { ok: true, to: RESULT[action] };
}

export const STATUS_LABELS: Record<StepStatusName, string> = {
  PENDING: "Pending",
  IN_PROGRESS: "In progress",
  DONE: "Done",
  SKIPPED: "Skipped",
  FAILED: "Failed",
};

export const RUN_STATUS_LABELS: Record<string, string> = {
  ACTIVE: "In progress",
  COMPLETED: "Completed",
  ROLLED_BACK: "Rolled back",
  ABORTED: "Aborted",
} satisfies Record<RunStatusName, string>;

export const RUN_KIND_LABELS: Record<string, string> = { REHEARSAL: "Rehearsal", LIVE: "Live" } satisfies Record<RunKind, string>;

export const KIND_LABELS: Record<StepKindName, string> = {
  TASK: "Task",
  GATE: "Go/No-Go gate",
  MILESTONE: "Milestone",
  ROLLBACK: "Rollback",
};

export interface RuleStep {
  id: string;
  title: string;
  kind: StepKindName;
  position: number;
  predecessorIds: string[];
}

/**
 * Why `step` can't start now, or null when it may. Forward steps wait for their predecessors;
 * rollback steps run only after a No-Go, one after another in plan order.
 */
export function blockedReason(input: {
  step: RuleStep;
  steps: readonly RuleStep[];
  statusOf: (stepId: string) => StepStatusName;
  mode: RunModeName;
  runStatus: RunStatusName;
}): string | null {
  const { step, steps, statusOf, mode, runStatus } = input;
  if (runStatus !== "ACTIVE") return "This run has ended.";
  if (step.kind === "ROLLBACK") {
    if (mode !== "ROLLBACK") return "Rollback steps run only after a No-Go decision.";
    const earlier = lookupsOf(steps).rollbackOrder.find((s) => s.position < step.position && !isFinished(statusOf(s.id)));
    return earlier ? `Waiting for rollback step "${earlier.title}".` : null;
  }
  if (mode === "ROLLBACK") return "The run is rolling back; only rollback steps can run.";
  const waiting = step.predecessorIds.filter((id) => !isFinished(statusOf(id)));
  if (waiting.length === 0) return null;
  const byId = lookupsOf(steps).byId;
  return `Waiting for ${waiting.map((id) => `"${byId.get(id)?.title ?? id}"`).join(", ")}.`;
}

/**
 * A step list's lookups, built once per list (the list is read-only to blockedReason). Callers
 * ask about every step of a run in turn (the board, the notification passes); building them per
 * call made that quadratic: for a 300-step run, 90,000 map entries and most of a notification
 * sweep's time, spent while it held SQLite's write lock and sign-offs waited (issue 16).
 */
const stepLookups = new WeakMap<readonly RuleStep[], { byId: Map<string, RuleStep>; rollbackOrder: RuleStep[] }>();
function lookupsOf(steps: readonly RuleStep[]) {
  let lookups = stepLookups.get(steps);
  if (!lookups) {
    lookups = { byId: new Map(steps.map((s) => [s.id, s])), rollbackOrder: rollbackOrder(steps) };
    stepLookups.set(steps, lookups);
  }
  return lookups;
}

export function rollbackOrder<T extends { kind: string; position: number }>(steps: readonly T[]): T[] {
  return steps.filter((s) => s.kind === "ROLLBACK").sort((a, b) => a.position - b.position);
}

/** Steps that count for a run in its mode: the forward plan, or only rollback steps after a No-Go. */
export function stepsInScope<T extends { kind: string }>(steps: readonly T[], mode: RunModeName): T[] {
  return steps.filter((s) => (mode === "ROLLBACK" ? s.kind === "ROLLBACK" : s.kind !== "ROLLBACK"));
}

/** Progress measured by planned minutes, not step count: a 150-minute copy weighs more than a 10-minute stop. */
export function progressByPlannedMinutes(
  steps: readonly { plannedMinutes: number; status: StepStatusName }[],
): { doneMinutes: number; totalMinutes: number; percent: number } {
  let doneMinutes = 0;
  let totalMinutes = 0;
  for (const step of steps) {
    totalMinutes += step.plannedMinutes;
    if (isFinished(step.status)) doneMinutes += step.plannedMinutes;
  }
  const percent = totalMinutes === 0 ? (steps.length > 0 && steps.every((s) => isFinished(s.status)) ? 100 : 0) : Math.floor((doneMinutes / totalMinutes) * 100);
  return { doneMinutes, totalMinutes, percent };
}

export interface SplitProgress {
  /** What the run's headline shows: the window's work going forward, every rollback step while rolling back. */
  headline: { doneMinutes: number; totalMinutes: number; percent: number };
  /** Forward work inside the downtime window. */
  window: { doneMinutes: number; totalMinutes: number; percent: number };
  /** Forward work outside the window: preparation before it and follow-up after it. */
  outside: { doneMinutes: number; totalMinutes: number; percent: number };
}

/**
 * Progress with preparation kept apart from window work. Counting a week of preparation into the
 * window's percentage said "61%" after three steps of the cutover itself.
 */
export function splitProgress(steps: readonly { kind: string; plannedMinutes: number; status: StepStatusName; inWindow: boolean }[], mode: RunModeName): SplitProgress {
  const forward = steps.filter((s) => s.kind !== "ROLLBACK");
  const window = progressByPlannedMinutes(forward.filter((s) => s.inWindow));
  const outside = progressByPlannedMinutes(forward.filter((s) => !s.inWindow));
  const headline = mode === "ROLLBACK" ? progressByPlannedMinutes(stepsInScope(steps, mode)) : window;
  return { headline, window, outside };
}

/**
 * What the run's status becomes, from how many steps are in its scope and how many of those are
 * not finished (done or skipped) yet. Counts, so the server can answer with two indexed queries.
 */
export function runOutcome(input: { mode: RunModeName; inScope: number; unfinished: number }): RunStatusName {
  if (input.inScope === 0 || input.unfinished > 0) return "ACTIVE";
  return input.mode === "ROLLBACK" ? "ROLLED_BACK" : "COMPLETED";
}

/** What changed in the plan since a run froze its copy (lib/runs/plan-changes.ts). */
export interface RunPlanDrift {
  /** The plan version the run's copy was taken from (or last brought up to). */
  runVersion: number;
  planVersion: number;
  diff: PlanDiff;
  /** Steps of the diff that have started in this run, so a change won't reach them. */
  startedStepIds: string[];
}


/** What a No-Go does now: the gate's setting, except that a gate already held rolls back. */
export function gateNoGoOutcome(outcome: NoGoOutcomeName, held: boolean): NoGoOutcomeName {
  return held ? "ROLLBACK" : outcome;
}

export type GateApprovalPlan = { ok: true; slot: number | null; complete: boolean; waitingFor: string[] } | { ok: false; message: string };

/**
 * Where a Go from `actor` goes: the gate's one decision, or the first of its required approvals
 * that the actor can give and nobody has given yet. With four-eyes, the people who started or
 * signed off the gated steps (`doers`) can't be the only ones who approved it.
 */
export function planGateApproval(input: {
  approvers: readonly GateApprover[];
  approvals: readonly { slot: number | null; userId: string | null }[];
  actor: { id: string; role: string };
  fourEyes: boolean;
  doers: ReadonlySet<string>;
}): GateApprovalPlan {
  const { approvers, approvals, actor, fourEyes, doers } = input;
  const fourEyesRefusal = { ok: false as const, message: "Four-eyes: the people who did the gated steps can't approve this gate alone. Someone else must approve." };
  if (approvers.length === 0) {
    if (fourEyes && doers.has(actor.id)) return fourEyesRefusal;
    return { ok: true, slot: null, complete: true, waitingFor: [] };
  }
  if (approvals.some((a) => a.userId === actor.id)) return { ok: false, message: "You have already approved this gate; another approver must give the next approval." };
  const filled = new Set(approvals.map((a) => a.slot));
  const open = approvers.map((approver, slot) => ({ approver, slot })).filter((a) => !filled.has(a.slot));
  // A slot that names this person first, then one for their role: otherwise a named approver
  // who approves first would take the role's slot and leave their own unfillable.
  const mine = open.find((a) => a.approver.kind === "user" && fillsApprover(actor, a.approver)) ?? open.find((a) => fillsApprover(actor, a.approver));
  if (!mine) return { ok: false, message: `Your approval isn't one this gate asks for. Waiting for: ${open.map((a) => approverLabel(a.approver)).join(", ")}.` };
  const waitingFor = open.filter((a) => a.slot !== mine.slot).map((a) => approverLabel(a.approver));
  const complete = waitingFor.length === 0;
  if (complete && fourEyes) {
    const approvers = new Set([...approvals.map((a) => a.userId).filter((id): id is string => id !== null), actor.id]);
    if ([...approvers].every((id) => doers.has(id))) return fourEyesRefusal;
  }
  return { ok: true, slot: mine.slot, complete, waitingFor };
}

/**
 * Evidence a run accepts: screenshots, command output and logs, documents. By extension and
 * declared type together, so a renamed executable isn't taken for a log.
 */
export const EVIDENCE_TYPES: Record<string, readonly string[]> = {
  png: ["image/png"],
  jpg: ["image/jpeg"],
  jpeg: ["image/jpeg"],
  gif: ["image/gif"],
  webp: ["image/webp"],
  txt: ["text/plain"],
  log: ["text/plain", "text/x-log", "application/octet-stream"],
  out: ["text/plain", "application/octet-stream"],
  csv: ["text/csv", "text/plain", "application/vnd.ms-excel"],
  json: ["application/json", "text/plain"],
  pdf: ["application/pdf"],
};
export const DEFAULT_MAX_EVIDENCE_MB = 10;

/** The content type evidence is served with: from its extension only, never from the upload. */
export function evidenceContentType(name: string): string | null {
  const ext = name.toLowerCase().split(".").pop() ?? "";
  return EVIDENCE_TYPES[ext]?.[0] ?? null;
}

export const isImageEvidence = (name: string) => (evidenceContentType(name) ?? "").startsWith("image/");
