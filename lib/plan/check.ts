import { canDecideGates, canOperateSteps } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { formatMinutes } from "../platform/time";
import { isProjectPlaceholder } from "../templates/placeholders";
import { notBeforeMinuteAfter, scheduleSteps } from "./timing";

/**
 * The plan check: before anyone is on the bridge call, does the plan hold together against its
 * window? Pure (no server-only), so the plan editor in the browser, the template picker and the
 * unit tests compute the same findings. Times are minutes from the window's start.
 *
 * The timing rules match the live run (lib/runs/forecast.ts): the forward steps inside the window
 * start as soon as their predecessors finish; rollback steps run one after another, so the
 * rollback takes the sum of their minutes and must start by window end minus that sum.
 */

export interface PlanCheckStep {
  id: string;
  /** The number people say on the bridge call ("14", "R2"). */
  number: string;
  title: string;
  kind: string;
  plannedMinutes: number;
  predecessorIds: readonly string[];
  commands: string;
  /** The assignee's effective role in the project, or null when nobody is assigned. */
  assignee: { role: RoleName; name?: string } | null;
  isFleet: boolean;
  fleetAction: string | null;
  /** Gates only: a No-Go that aborts (nothing changed yet) protects no rollback. Default ROLLBACK. */
  noGoOutcome?: string;
  /** "HH:MM" in the project's zone: the step can't start before then ("" or missing: no such time). */
  notBefore?: string;
  /** Minutes to wait after a predecessor finishes, by predecessor id. */
  predecessorLags?: Readonly<Record<string, number>>;
}

export interface PlanCheckPhase {
  title: string;
  inWindow: boolean;
  steps: readonly PlanCheckStep[];
}

export interface PlanCheckInput {
  phases: readonly PlanCheckPhase[];
  windowMinutes: number;
  /** How many of the project's fleet clients are agentless (VMs through the hypervisor, NDMP filers). */
  clientFamilies?: { agentless: number };
  /** Placeholders the project can fill (a set of tokens, or a test). Default: none. */
  resolvedPlaceholders?: ReadonlySet<string> | ((token: string) => boolean);
  /** The window's start and the project's zone, to place not-before times; without it they are ignored. */
  windowStart?: WindowAnchor;
}

/** Where the window starts, to turn a step's "not before 22:00" into minutes after it. */
export interface WindowAnchor {
  at: number;
  timeZone: string;
}

export type PlanCheckSeverity = "error" | "warning" | "info";

export type PlanCheckCode =
  | "window_fits"
  | "window_tight"
  | "window_overrun"
  | "gate_after_deadline"
  | "rollback_overrun"
  | "assignee_cannot_act"
  | "fleet_agentless"
  | "unfilled_placeholder"
  | "dependency_cycle";

export interface PlanCheckFinding {
  code: PlanCheckCode;
  severity: PlanCheckSeverity;
  message: string;
  stepIds: string[];
}

export interface PlannedTime {
  /** Minutes after the window's start. */
  startMinute: number;
  finishMinute: number;
  /** True when the step's not-before time, not a predecessor, sets its start. */
  fixed?: boolean;
}

export interface PlanCheckResult {
  findings: PlanCheckFinding[];
  criticalPathMinutes: number;
  /** The critical path's steps, first to last. */
  criticalStepIds: string[];
  /** Window minus critical path; negative when the plan overruns. */
  slackMinutes: number;
  rollbackMinutes: number;
  /** Window end minus the rollback minutes, or null without rollback steps. */
  rollbackDeadlineMinute: number | null;
  /** When the last gate whose No-Go rolls back is planned to finish, or null without one. */
  lastGateFinishMinute: number | null;
  /** Planned start and finish of each forward step inside the window, by step id. */
  plannedTimes: Record<string, PlannedTime>;
}

/** Below this slack the plan still fits, but the live forecast would already call it at risk. */
export const TIGHT_SLACK_MINUTES = 15;

/** Fleet actions that talk to each client's bpcd or rewrite its bp.conf: agentless clients have neither. */
const AGENT_FLEET_ACTIONS = new Set(["UPDATE_BPCONF", "CHECK_CONNECTIVITY"]);

/** `{{name}}` tokens, and angle-bracket tokens (only the project's own placeholders count; `<client>` is a prompt). */
const TOKEN = /\{\{\s*[^{}\n]{1,80}?\s*\}\}|<[a-z][a-z0-9-]{0,60}>/gi;

const label = (step: PlanCheckStep) => `${step.number} “${step.title}”`;
const minutes = formatMinutes;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Earliest planned start and finish of every forward step inside the window, following
 * predecessors and their lags (a predecessor outside that scope, done before the window, doesn't
 * delay it) and, given the window's start, each step's not-before time.
 */
export function planStepTimes(phases: readonly PlanCheckPhase[], anchor?: WindowAnchor): { times: Record<string, PlannedTime>; cycle: string[] | null } {
  const scope = phases.filter((p) => p.inWindow).flatMap((p) => p.steps.filter((s) => s.kind !== "ROLLBACK"));
  const { times, cycle } = scheduleSteps(
    scope.map((s) => ({
      id: s.id,
      minutes: s.plannedMinutes,
      predecessorIds: s.predecessorIds,
      lags: s.predecessorLags,
      notBeforeMinute: anchor ? notBeforeMinuteAfter(s.notBefore, anchor.at, anchor.timeZone) : null,
    })),
  );
  const out: Record<string, PlannedTime> = {};
  for (const [id, t] of Object.entries(times)) out[id] = { startMinute: t.startMinute, finishMinute: t.finishMinute, ...(t.heldBy?.kind === "not_before" ? { fixed: true } : {}) };
  return { times: out, cycle };
}

export function checkPlan(input: PlanCheckInput): PlanCheckResult {
  const window = input.windowMinutes;
  const all = input.phases.flatMap((p) => p.steps.map((step) => ({ step, inWindow: p.inWindow })));
  const stepById = new Map(all.map(({ step }) => [step.id, step]));
  const findings: PlanCheckFinding[] = [];

  // 1. The critical path against the window.
  const { times, cycle } = planStepTimes(input.phases, input.windowStart);
  if (cycle) findings.push({ code: "dependency_cycle", severity: "error", message: `Steps ${cycle.map((id) => stepById.get(id)!.number).join(", ")} wait for each other in a circle: none of them can start.`, stepIds: cycle });
  let endId: string | null = null;
  let criticalPathMinutes = 0;
  for (const [id, t] of Object.entries(times)) {
    if (endId === null || t.finishMinute > criticalPathMinutes) {
      endId = id;
      criticalPathMinutes = t.finishMinute;
    }
  }
  const criticalStepIds = endId ? criticalChain(endId, times, stepById) : [];
  const slackMinutes = window - criticalPathMinutes;
  if (slackMinutes < 0) {
    findings.push({
      code: "window_overrun",
      severity: "error",
      message: `The critical path takes ${minutes(criticalPathMinutes)}: it overruns the ${minutes(window)} window by ${minutes(-slackMinutes)}.`,
      stepIds: criticalStepIds,
    });
  } else if (criticalStepIds.length > 0 && slackMinutes < TIGHT_SLACK_MINUTES) {
    findings.push({
      code: "window_tight",
      severity: "warning",
      message: `The critical path takes ${minutes(criticalPathMinutes)} and fits the ${minutes(window)} window with only ${minutes(slackMinutes)} to spare.`,
      stepIds: criticalStepIds,
    });
  } else if (criticalStepIds.length > 0) {
    findings.push({
      code: "window_fits",
      severity: "info",
      message: `The critical path takes ${minutes(criticalPathMinutes)} and fits the ${minutes(window)} window with ${minutes(slackMinutes)} to spare.`,
      stepIds: criticalStepIds,
    });
  }

  // 2. Gates against the rollback deadline, and the rollback after the last gate.
  const rollbackSteps = all.filter(({ step }) => step.kind === "ROLLBACK").map(({ step }) => step);
  const rollbackMinutes = rollbackSteps.reduce((sum, s) => sum + s.plannedMinutes, 0);
  const rollbackDeadlineMinute = rollbackSteps.length > 0 ? window - rollbackMinutes : null;
  // Gates outside the window aren't timed; a gate whose No-Go aborts has nothing to roll back.
  const gates = all
    .filter(({ step, inWindow }) => inWindow && step.kind === "GATE" && (step.noGoOutcome ?? "ROLLBACK") === "ROLLBACK" && times[step.id])
    .map(({ step }) => step);
  let lastGate: PlanCheckStep | null = null;
  for (const gate of gates) if (!lastGate || times[gate.id].finishMinute >= times[lastGate.id].finishMinute) lastGate = gate;
  const lastGateFinishMinute = lastGate ? times[lastGate.id].finishMinute : null;
  if (rollbackDeadlineMinute !== null) {
    const deadlineText = `the rollback deadline (${minutes(rollbackDeadlineMinute)} into the window: the ${minutes(window)} window minus ${minutes(rollbackMinutes)} of rollback steps)`;
    for (const gate of gates) {
      const finish = times[gate.id].finishMinute;
      if (finish > rollbackDeadlineMinute) {
        findings.push({
          code: "gate_after_deadline",
          severity: "error",
          message: `Gate ${label(gate)} is planned to finish ${minutes(finish)} into the window, ${minutes(finish - rollbackDeadlineMinute)} after ${deadlineText}: a No-Go there can't be rolled back in time.`,
          stepIds: [gate.id],
        });
      }
    }
    const from = lastGateFinishMinute ?? 0;
    if (from + rollbackMinutes > window) {
      const rollbackIds = rollbackSteps.map((s) => s.id);
      findings.push({
        code: "rollback_overrun",
        severity: "error",
        message: lastGate
          ? `The rollback steps take ${minutes(rollbackMinutes)}: started after gate ${label(lastGate)} (${minutes(from)} into the window) they would end ${minutes(from + rollbackMinutes - window)} after the ${minutes(window)} window closes.`
          : `The rollback steps take ${minutes(rollbackMinutes)}, longer than the ${minutes(window)} window.`,
        stepIds: lastGate ? [lastGate.id, ...rollbackIds] : rollbackIds,
      });
    }
  }

  // 3. People who can't act on the steps assigned to them.
  for (const { step } of all) {
    if (!step.assignee) continue;
    const allowed = step.kind === "GATE" ? canDecideGates({ id: "", role: step.assignee.role }) : canOperateSteps({ id: "", role: step.assignee.role });
    if (!allowed) {
      const who = step.assignee.name ? `${step.assignee.name} (${step.assignee.role.toLowerCase()})` : `a ${step.assignee.role.toLowerCase()}`;
      findings.push({
        code: "assignee_cannot_act",
        severity: "warning",
        message: `Step ${label(step)} is assigned to ${who}, who can't ${step.kind === "GATE" ? "decide a gate" : "start or sign off a step"}: assign an operator or an admin.`,
        stepIds: [step.id],
      });
    }
  }

  // 4. Fleet steps whose checklist would include agentless clients.
  const agentless = input.clientFamilies?.agentless ?? 0;
  if (agentless > 0) {
    for (const { step } of all) {
      if (!step.isFleet || !step.fleetAction || !AGENT_FLEET_ACTIONS.has(step.fleetAction)) continue;
      findings.push({
        code: "fleet_agentless",
        severity: "warning",
        message: `Fleet step ${label(step)} would include ${plural(agentless, "agentless client", "agentless clients")} (VMs backed up through the hypervisor, NDMP filers). They have no bp.conf and no bpcd: leave them out of this step.`,
        stepIds: [step.id],
      });
    }
  }

  // 5. Commands that still hold a placeholder the project can't fill.
  const resolved = input.resolvedPlaceholders;
  const resolves = (token: string) => (typeof resolved === "function" ? resolved(token) : (resolved?.has(token) ?? false));
  for (const { step } of all) {
    const unfilled = [...new Set(step.commands.match(TOKEN) ?? [])].filter((token) => (token.startsWith("{{") || isProjectPlaceholder(token.toLowerCase())) && !resolves(token));
    if (unfilled.length > 0) {
      findings.push({
        code: "unfilled_placeholder",
        severity: "warning",
        message: `Step ${label(step)} has ${unfilled.length === 1 ? "a placeholder" : "placeholders"} the project can't fill: ${unfilled.join(", ")}. Its commands can't be pasted as they are: fill in the project's hosts or edit the commands.`,
        stepIds: [step.id],
      });
    }
  }

  return { findings, criticalPathMinutes, criticalStepIds, slackMinutes, rollbackMinutes, rollbackDeadlineMinute, lastGateFinishMinute, plannedTimes: times };
}

/** Walks back from the last step to finish, through the predecessor that finished last each time. */
function criticalChain(endId: string, times: Record<string, PlannedTime>, stepById: Map<string, PlanCheckStep>): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  for (let id: string | null = endId; id && !seen.has(id); ) {
    seen.add(id);
    chain.unshift(id);
    const start: number = times[id].startMinute;
    if (times[id].fixed) break; // its clock time, not a predecessor, holds it
    const step: PlanCheckStep = stepById.get(id)!;
    id = step.predecessorIds.find((p) => times[p] && times[p].finishMinute + (step.predecessorLags?.[p] ?? 0) === start) ?? null;
  }
  return chain;
}
