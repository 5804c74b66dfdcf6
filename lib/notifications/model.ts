/**
 * The rules of notifications as pure functions of the run's state and a clock: which steps are
 * ready, when a step counts as overdue, which rollback-deadline warnings are due, and when an
 * unacknowledged notification is chased again or escalated. The dispatcher (./dispatcher.ts)
 * applies them; the unit tests call them with fixed clocks.
 */
import { blockedReason, isFinished, type RunModeName, type RunStatusName, type StepStatusName } from "../runs/model";

export const NOTIFICATION_KINDS = ["READY", "GATE_WAITING", "OVERDUE", "ROLLBACK_DEADLINE", "RUN_ENDED", "ESCALATION"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  READY: "You're up (your step is ready)",
  GATE_WAITING: "A gate waits for your decision",
  OVERDUE: "Your step is overdue",
  ROLLBACK_DEADLINE: "Rollback deadline warnings",
  RUN_ENDED: "A run you took part in ended",
  ESCALATION: "Escalations to the project lead",
};

/** The kinds someone has to answer: they are chased until acknowledged, then escalated. */
export const CHASED_KINDS: ReadonlySet<NotificationKind> = new Set(["READY", "OVERDUE"]);
export const isChased = (kind: string) => CHASED_KINDS.has(kind as NotificationKind);

const MINUTE = 60_000;

export interface NotificationTimings {
  /** Minutes past a step's planned finish before it counts as overdue. */
  overdueMinutes: number;
  /** Minutes between chases of an unacknowledged READY/OVERDUE notification. */
  chaseMinutes: number;
  /** Chases before the project lead is told. */
  chasesBeforeEscalation: number;
}

export const DEFAULT_TIMINGS: NotificationTimings = { overdueMinutes: 10, chaseMinutes: 10, chasesBeforeEscalation: 2 };

/** Timings from the environment (RUNSHEET_NOTIFY_OVERDUE_MINUTES, RUNSHEET_NOTIFY_CHASE_MINUTES); bad values fall back to the defaults. */
export function timingsFromEnv(env: Record<string, string | undefined>): NotificationTimings {
  const minutes = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isInteger(n) && n >= 1 && n <= 24 * 60 ? n : fallback;
  };
  return {
    overdueMinutes: minutes(env.RUNSHEET_NOTIFY_OVERDUE_MINUTES, DEFAULT_TIMINGS.overdueMinutes),
    chaseMinutes: minutes(env.RUNSHEET_NOTIFY_CHASE_MINUTES, DEFAULT_TIMINGS.chaseMinutes),
    chasesBeforeEscalation: DEFAULT_TIMINGS.chasesBeforeEscalation,
  };
}

export interface RunStepState {
  stepRunId: string;
  stepId: string;
  title: string;
  kind: string;
  position: number;
  status: StepStatusName;
  assigneeId: string | null;
  plannedMinutes: number;
  predecessorIds: string[];
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface RunState {
  status: RunStatusName;
  mode: RunModeName;
  startedAt: Date;
  steps: readonly RunStepState[];
}

/**
 * Steps that may start now and haven't: pending, with every predecessor finished (or, while rolling
 * back, the next rollback step). Failed steps are not "ready": someone is already on them.
 */
export function readySteps(run: RunState): RunStepState[] {
  if (run.status !== "ACTIVE") return [];
  const statusById = new Map(run.steps.map((s) => [s.stepId, s.status]));
  const rules = run.steps.map((s) => ({ id: s.stepId, title: s.title, kind: s.kind as "TASK", position: s.position, predecessorIds: s.predecessorIds }));
  return run.steps.filter((s, i) => s.status === "PENDING" && blockedReason({ step: rules[i], steps: rules, statusOf: (id) => statusById.get(id) ?? "PENDING", mode: run.mode, runStatus: run.status }) === null);
}

/**
 * When a step became ready: the last of its predecessors' finishes, or the run's start when it has
 * none (rollback steps: the previous rollback step's finish, else the run's start).
 */
export function readySince(step: RunStepState, run: RunState): Date {
  const byId = stepsById(run.steps);
  const before = step.kind === "ROLLBACK" ? run.steps.filter((s) => s.kind === "ROLLBACK" && s.position < step.position) : step.predecessorIds.map((id) => byId.get(id)).filter((s) => s !== undefined);
  const finishes = before.map((s) => s.finishedAt?.getTime() ?? 0).filter((t) => t > 0);
  return new Date(Math.max(run.startedAt.getTime(), ...finishes));
}

/**
 * A run's steps by id, built once per list: the sweep asks readySince about every ready step of a
 * run, and a map per call made that quadratic in the run's size (issue 16).
 */
const stepIndexes = new WeakMap<readonly RunStepState[], Map<string, RunStepState>>();
function stepsById(steps: readonly RunStepState[]): Map<string, RunStepState> {
  let byId = stepIndexes.get(steps);
  if (!byId) {
    byId = new Map(steps.map((s) => [s.stepId, s]));
    stepIndexes.set(steps, byId);
  }
  return byId;
}

/**
 * The moment a step counts as overdue: its planned finish (started: start + planned minutes; ready
 * but not started: ready since + planned minutes) plus the threshold. Null for steps that are
 * neither running nor ready, and for gates (they have their own notification).
 */
export function overdueAt(step: RunStepState, run: RunState, thresholdMinutes: number, ready: boolean): Date | null {
  if (run.status !== "ACTIVE" || step.kind === "GATE" || step.kind === "MILESTONE") return null;
  let plannedFinish: number;
  if (step.status === "IN_PROGRESS" && step.startedAt) plannedFinish = step.startedAt.getTime() + step.plannedMinutes * MINUTE;
  else if (step.status === "PENDING" && ready) plannedFinish = readySince(step, run).getTime() + step.plannedMinutes * MINUTE;
  else return null;
  return new Date(plannedFinish + thresholdMinutes * MINUTE);
}

/** Minutes late past the planned finish (for the message), rounded down. */
export function minutesLate(overdue: Date, thresholdMinutes: number, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - overdue.getTime()) / MINUTE) + thresholdMinutes);
}

export type DeadlineWarning = "T-30" | "T-10" | "PASSED";

/**
 * The rollback-deadline warnings due at `now`: T-30 and T-10 minutes before it and once it has
 * passed, each at most once per run (the dedup key carries the warning). Only the most urgent
 * one due is returned, so a dispatcher that was down doesn't send three at once.
 */
export function dueDeadlineWarning(deadline: number | null, now: Date): DeadlineWarning | null {
  if (deadline === null) return null;
  const minutesLeft = (deadline - now.getTime()) / MINUTE;
  if (minutesLeft <= 0) return "PASSED";
  if (minutesLeft <= 10) return "T-10";
  if (minutesLeft <= 30) return "T-30";
  return null;
}

export interface ChaseState {
  kind: string;
  chaseCount: number;
  lastSentAt: Date;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
}

export type ChaseDecision = "wait" | "chase" | "escalate" | "stop";

/**
 * What to do with one READY/OVERDUE notification now: nothing yet, send it again, or (after
 * `chasesBeforeEscalation` chases went unanswered) tell the project lead. Acknowledged or closed
 * ones stop. Escalation happens once: after it the notification is closed by the caller.
 */
export function chaseDecision(n: ChaseState, now: Date, timings: NotificationTimings): ChaseDecision {
  if (!isChased(n.kind) || n.acknowledgedAt || n.closedAt) return "stop";
  if (now.getTime() - n.lastSentAt.getTime() < timings.chaseMinutes * MINUTE) return "wait";
  return n.chaseCount >= timings.chasesBeforeEscalation ? "escalate" : "chase";
}

/**
 * Whether a chased notification about a step still stands: READY until the step is started (or
 * finished); OVERDUE until it is finished. Starting a step counts as acknowledging "you're up".
 */
export function stillStands(kind: string, status: StepStatusName): boolean {
  if (kind === "READY") return status === "PENDING";
  if (kind === "OVERDUE") return !isFinished(status) && status !== "FAILED";
  return false;
}

/**
 * Which audit actions matter to the dispatcher: a step's state change may make others ready (or
 * close notifications about it); a run's end notifies its people.
 */
export function eventEffect(action: string): "steps-changed" | "run-ended" | null {
  if (action === "run.complete" || action === "run.rolled_back" || action === "run.abort" || action === "run.end_early") return "run-ended";
  if (action === "run.start" || action === "run.rollback_started" || action.startsWith("step.") || action.startsWith("gate.") || action === "run.plan_applied") return "steps-changed";
  return null;
}

/** "step 14 Copy the catalog". */
export const stepLabel = (number: string | undefined, title: string) => (number ? `step ${number} ${title}` : title);

/** Email subjects people can scan at 3 a.m.: what, which step, which project. */
export function emailSubject(title: string, projectName: string): string {
  return `[Runsheet] ${title} — ${projectName}`;
}

/**
 * The address people open links in emails at: RUNSHEET_PUBLIC_URL, else BETTER_AUTH_URL (the
 * sign-in's own base URL), else http://localhost:<PORT>. Emails are sent by a background loop,
 * with no request to take the host from.
 */
export function publicOrigin(env: Record<string, string | undefined>): string {
  const configured = (env.RUNSHEET_PUBLIC_URL || env.BETTER_AUTH_URL || "").trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // Fall through to the local default: a typo must not stop notifications.
    }
  }
  return `http://localhost:${env.PORT || "3000"}`;
}

/** Minutes a gate approval link stays valid (RUNSHEET_APPROVAL_LINK_MINUTES, default 60). */
export function approvalLinkMinutes(env: Record<string, string | undefined>): number {
  const n = Number(env.RUNSHEET_APPROVAL_LINK_MINUTES);
  return Number.isInteger(n) && n >= 5 && n <= 24 * 60 ? n : 60;
}

/** Why a gate approval link can't be used, in words for the page that refuses it. */
export type ApprovalLinkProblem = "unknown" | "used" | "expired" | "decided" | "not-allowed" | "run-ended";

export const APPROVAL_LINK_PROBLEMS: Record<ApprovalLinkProblem, string> = {
  unknown: "This approval link is not valid. Open the run in Runsheet to decide the gate.",
  used: "This approval link has already been used. Each link works once; open the run in Runsheet to see the decision.",
  expired: "This approval link has expired. Open the run in Runsheet to decide the gate.",
  decided: "This gate has already been decided. Nothing was changed.",
  "not-allowed": "You may no longer decide this gate (your access or the gate's approvers changed). Nothing was changed.",
  "run-ended": "This run has ended; its gates can't be decided any more.",
};

/** Whether a stored link may still be used, before the gate itself is checked. */
export function approvalLinkProblem(link: { usedAt: Date | null; expiresAt: Date } | null, now: Date): ApprovalLinkProblem | null {
  if (!link) return "unknown";
  if (link.usedAt) return "used";
  if (link.expiresAt.getTime() <= now.getTime()) return "expired";
  return null;
}
