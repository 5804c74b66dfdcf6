import "server-only";
import type { stepActionResult } from "./schemas";
import type { z } from "zod";
import { projectAccessNeedsRow, requireProjectAccessWith } from "../projects/access";
import { appendAuditEvent } from "../audit/service";
import { toSqlTime } from "../platform/db/sql";
import { runSqlTransaction, runTransaction, type SqlTx } from "../platform/db/transaction";
import type { PgTx } from "../platform/db/transaction-postgres";
import { ConflictError, ForbiddenError, NeedsConfirmationError, NotFoundError, ValidationError } from "../platform/errors";
import { boundedOfflineTime } from "../platform/offline-time";
import { canAbortRun, canDecideGate, canEndRehearsal, canOperateSteps, canSignOffStep, canStartRun, canUndoSignOff, type ActingUser } from "../platform/auth/permissions";
import type { Tx } from "../platform/db/client";
import {
  blockedReason,
  checkTransition,
  gateNoGoOutcome,
  planGateApproval,
  runOutcome,
  STATUS_LABELS,
  type RunStatusName,
  type StepAction,
  type StepStatusName,
} from "./model";
import { formatMoment } from "../platform/time";
import { changeTicketUrl } from "../projects/model";
import { checkFieldValues } from "../plan/model";
import { AGENT_ONLY_ACTIONS, FLEET_DONE_STATUSES, FLEET_DONE_WORD, fleetOutcomeLine, MAX_LISTED_EXCEPTIONS, type FleetOutcome } from "../fleet/model";
import { agentlessClientIds } from "../fleet/queries";
import { recordPlanVersion } from "../plan/versions";
import { freezePlanIntoRun } from "./frozen-plan";
import { insertFleetRowsForRun as insertFleetRowsForRunSqlite, stepRunSnapshot, type LoadedStepRun } from "./store.sqlite";
import { insertFleetRowsForRun as insertFleetRowsForRunPg } from "./store.postgres";
import { postgresStepStore, sqliteStepStore } from "./step-store";
import { runStepFlowAsync, runStepFlowSync, use, type StepFlow } from "./step-flow";
import { isPostgres } from "../platform/db/dialect";
import { postgresPool } from "../platform/db/client";
import { runPgTransaction } from "../platform/db/transaction-postgres";


export async function startRun(options: {
  actor: ActingUser;
  projectId: string;
  input: { kind: "REHEARSAL" | "LIVE"; name: string };
  /** Seed/import only: backdate the run's start. Never taken from a request. */
  startedAt?: Date;
}) {
  const { actor, input } = options;
  if (!canStartRun(actor)) throw new ForbiddenError("Only admins can start a run.");
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId } });
    if (!project) throw new NotFoundError("Project");
    if (input.kind === "LIVE") {
      const activeLive = await tx.run.findFirst({ where: { projectId: project.id, kind: "LIVE", status: "ACTIVE" }, select: { name: true } });
      if (activeLive) throw new ConflictError(`The live run "${activeLive.name}" is still active.`);
    }
    // The run freezes the plan as it is now, as a numbered version (recorded here if the latest
    // edit somehow wasn't): what the run shows and exports can't change afterwards.
    const plan = await recordPlanVersion(tx, { projectId: project.id, actor });
    const steps = plan.snapshot.phases.flatMap((phase) => phase.steps);
    if (steps.length === 0) throw new ConflictError("Add steps to the plan before starting a run.");
    const now = options.startedAt ?? new Date();
    const windowLength = project.windowEnd.getTime() - project.windowStart.getTime();
    // A rehearsal is measured against a window of the same length starting now.
    const windowStart = input.kind === "LIVE" ? project.windowStart : now;
    const windowEnd = input.kind === "LIVE" ? project.windowEnd : new Date(now.getTime() + windowLength);
    const count = await tx.run.count({ where: { projectId: project.id, kind: input.kind } });
    const name = input.name || `${input.kind === "LIVE" ? "Live cutover" : "Rehearsal"} ${count + 1}`;
    const run = await tx.run.create({
      data: {
        projectId: project.id,
        kind: input.kind,
        name,
        windowStart,
        windowEnd,
        startedAt: now,
        startedById: actor.id,
        startedByName: actor.name,
        planVersion: plan.version,
        planHash: plan.hash,
        // The ticket is a fact of the record: the project's next change won't rewrite this run's PDF.
        changeTicket: project.changeTicket,
        changeUrl: changeTicketUrl(project) ?? "",
      },
    });
    await freezePlanIntoRun(tx, { runId: run.id, snapshot: plan.snapshot });
    // bp.conf and connectivity steps leave agentless clients (VMs, filers) out: they have no agent.
    const agentless = await agentlessClientIds(tx, { projectId: project.id });
    await insertFleetRowsForRun(tx, { runId: run.id, projectId: project.id, stepIds: steps.filter((s) => s.isFleet && !AGENT_ONLY_ACTIONS.includes(s.fleetAction ?? "GENERIC")).map((s) => s.id) });
    await insertFleetRowsForRun(tx, { runId: run.id, projectId: project.id, stepIds: steps.filter((s) => s.isFleet && AGENT_ONLY_ACTIONS.includes(s.fleetAction ?? "GENERIC")).map((s) => s.id), excludeClientIds: agentless });
    await tx.project.update({ where: { id: project.id }, data: { status: input.kind === "LIVE" ? "LIVE" : "REHEARSAL" } });
    await appendAuditEvent(tx, { actor, projectId: project.id, runId: run.id, action: "run.start", entityType: "run", entityId: run.id, before: null, after: { kind: run.kind, name: run.name, windowStart, windowEnd, planVersion: plan.version, planHash: plan.hash } });
    return run;
  });
}

/*
 * Executing a run: Start, Done, Skip, Fail, gate decisions and undo. Each is a flow over the step
 * store (./step-flow.ts): on SQLite one synchronous transaction on the direct connection
 * (runSqlTransaction); on PostgreSQL the same flow, one async transaction on the pool (runPgTransaction).
 */

/** requireProjectAccess inside a step flow: the membership row, when the role depends on it, comes through the store. */
function* requireProjectAccessIn<U extends ActingUser>(options: Parameters<typeof requireProjectAccessWith<U>>[1]): StepFlow<U> {
  const row = projectAccessNeedsRow(options) ? yield* use((store) => store.readProjectAccess(options.user.id, options.projectId)) : null;
  return requireProjectAccessWith(row, options);
}

/** One INSERT … SELECT of the run's fleet rows, in this database's SQL. */
const insertFleetRowsForRun: typeof insertFleetRowsForRunSqlite = (tx, options) => (isPostgres() ? insertFleetRowsForRunPg(tx, options) : insertFleetRowsForRunSqlite(tx, options));

/** Runs a step flow of `actor` as one transaction (see ./step-flow.ts for why it stays synchronous on SQLite). */
function runStepTransaction<T>(actor: ActingUser, flow: () => StepFlow<T>): Promise<T> {
  if (isPostgres()) return runPgTransaction(postgresPool(), (tx) => runStepFlowAsync(flow(), postgresStepStore(tx, { actorId: actor.id }), tx));
  return runSqlTransaction((tx) => runStepFlowSync(flow(), sqliteStepStore(tx), tx));
}

/**
 * The fleet's state for a Done on a fleet step. All clients done: a clean sign-off. Otherwise it
 * needs an exception reason; without one the browser is told which clients aren't done, so it
 * can ask the operator to confirm.
 */
function* fleetSignOff(current: LoadedStepRun, exceptionReason: string): StepFlow<{ outcome: FleetOutcome; exceptionReason: string }> {
  const action = current.step.fleetAction ?? "GENERIC";
  const outcome = yield* use((store) => store.loadFleetOutcome({ runId: current.runId, stepId: current.stepId, action, doneStatuses: FLEET_DONE_STATUSES[action], listLimit: MAX_LISTED_EXCEPTIONS }));
  const missing = outcome.total - outcome.done;
  if (missing === 0) return { outcome, exceptionReason: "" };
  if (!exceptionReason.trim()) {
    throw new NeedsConfirmationError(
      `${missing} of ${outcome.total} clients ${missing === 1 ? "is" : "are"} not ${FLEET_DONE_WORD[action]}. Sign off with exceptions and say why, or finish the clients first.`,
      { total: outcome.total, done: outcome.done, counts: outcome.counts, exceptions: outcome.exceptions.slice(0, 50), word: FLEET_DONE_WORD[action] },
    );
  }
  return { outcome, exceptionReason: exceptionReason.trim() };
}

/** Why this step can't start in its run right now (dependencies, rollback mode), or null. */
function* blockedReasonFor(stepRun: LoadedStepRun): StepFlow<string | null> {
  const { predecessorIds, related } = yield* use((store) => store.loadBlockingSteps(stepRun));
  const statusById = new Map(related.map((s) => [s.id, s.status]));
  const steps = related.map((s) => ({
    id: s.id,
    title: s.title,
    kind: s.kind,
    // Order across phases: phase position first, then step position.
    position: s.phasePosition * 100_000 + s.position,
    predecessorIds: s.id === stepRun.stepId ? predecessorIds : [],
  }));
  const self = steps.find((s) => s.id === stepRun.stepId)!;
  return blockedReason({ step: self, steps, statusOf: (id) => statusById.get(id) ?? "PENDING", mode: stepRun.run.mode, runStatus: stepRun.run.status });
}

/** "Already signed off by X at T", with the names as the record holds them. */
function conflictMessage(current: LoadedStepRun): string {
  const tz = current.run.timezone;
  const signedOffBy = current.signedOffByName;
  if (current.status === "DONE" && signedOffBy) {
    return `Already signed off by ${signedOffBy} at ${current.signedOffAt ? formatMoment(current.signedOffAt, tz, { now: Date.now() }) : "an unknown time"}. Nothing was changed.`;
  }
  const startedBy = current.startedByName;
  if (current.status === "IN_PROGRESS" && startedBy) {
    return `Already started by ${startedBy} at ${current.startedAt ? formatMoment(current.startedAt, tz, { now: Date.now() }) : "an unknown time"}. Nothing was changed.`;
  }
  return `Someone else changed this step first; it is now ${STATUS_LABELS[current.status].toLowerCase()}. Nothing was changed.`;
}

function conflict(current: LoadedStepRun): ConflictError {
  return new ConflictError(conflictMessage(current), stepRunSnapshot(current));
}

/** lib/runs/schemas.ts describes it for the API description; the type is the schema's. */
export type StepActionResult = z.infer<typeof stepActionResult>;

function resultOf(after: Pick<LoadedStepRun, "stepId" | "runId" | "status" | "version" | "startedAt" | "finishedAt">, signedOffBy: string | null): StepActionResult {
  return {
    stepId: after.stepId,
    runId: after.runId,
    status: after.status,
    version: after.version,
    startedAt: after.startedAt?.toISOString() ?? null,
    finishedAt: after.finishedAt?.toISOString() ?? null,
    signedOffBy,
  };
}

export interface StepActionOptions {
  actor: ActingUser;
  runId: string;
  stepId: string;
  input: { action: StepAction; note: string; reason: string; fields?: Record<string, string>; exceptionReason?: string; expectedVersion?: number; idempotencyKey?: string; occurredAt?: Date };
  /** Seed only: backdate the action without marking it as queued offline. Never taken from a request. */
  recordedAt?: Date;
}

/**
 * Start, Done (sign-off), Skip or Fail one step of a run. The update is conditional on the
 * version and status the server read, so of two operators ticking at once exactly one wins and
 * the other gets "already signed off by X at T" with nothing overwritten.
 */
export async function performStepAction(options: StepActionOptions): Promise<StepActionResult> {
  return runStepTransaction(options.actor, () => stepActionFlow(options));
}

/** performStepAction's rules, as a flow over the step store (./step-flow.ts). */
export function* stepActionFlow(options: StepActionOptions): StepFlow<StepActionResult> {
  const { actor, input } = options;
  const replay = yield* use((store) => store.replayIfSeen<StepActionResult>(input.idempotencyKey, actor.id));
  if (replay) return replay;
  const current = yield* use((store) => store.loadStepRun(options.runId, options.stepId));
  // The rules below judge the actor by their role in this run's project (404 when they may not see it).
  const here = yield* requireProjectAccessIn({ user: actor, projectId: current.run.projectId, need: "view", resource: "Step in this run" });
  const step = current.step;
  if (current.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
  if (input.action === "done" ? !canSignOffStep(here, step) : !canOperateSteps(here)) {
    throw new ForbiddenError(step.kind === "GATE" && canOperateSteps(here) ? "A go/no-go gate needs a Go or No-Go decision." : "Your role can't change steps in a run.");
  }
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw conflict(current);
  const transition = checkTransition({ from: current.status, action: input.action, reason: input.reason });
  if (!transition.ok) {
    if (current.status === "DONE" || current.status === "SKIPPED" || current.status === "IN_PROGRESS") throw conflict(current);
    throw new ValidationError(transition.message, input.action === "skip" || input.action === "fail" ? { reason: [transition.message] } : {});
  }
  if (current.status === "PENDING" || input.action === "start") {
    const blocked = yield* blockedReasonFor(current);
    if (blocked) throw new ConflictError(`This step is blocked. ${blocked}`);
  }
  // A fleet step is done when every client is in the state its action asks for; otherwise the
  // operator signs off "with exceptions" and says why, and both are kept on the record.
  const fleet = input.action === "done" && step.isFleet ? yield* fleetSignOff(current, input.exceptionReason ?? "") : null;
  // A step that asks for values ("media ID of the catalog backup") is done only with them.
  let fieldValues = "{}";
  if (input.action === "done" && step.requiredFields.length > 0) {
    const checked = checkFieldValues(step.requiredFields, input.fields ?? {});
    if (!checked.ok) throw new ValidationError("Fill in the values this step asks for before signing it off.", checked.errors);
    fieldValues = JSON.stringify(checked.values);
  }
  const at = options.recordedAt ?? boundedOfflineTime({ occurredAt: input.occurredAt, runStartedAt: current.run.startedAt, now: new Date() });
  const finishing = transition.to !== "IN_PROGRESS";
  const startedAt = current.startedAt ?? at;
  // A finish can't precede its own start, even with skewed offline clocks.
  const finishedAt = finishing ? (at.getTime() < startedAt.getTime() ? startedAt : at) : null;
  const signsOff = input.action !== "start";
  const next = {
    status: transition.to,
    startedAt,
    startedById: current.startedById ?? actor.id,
    startedByName: current.startedById ? current.startedByName : actor.name,
    finishedAt,
    // Start clears a previous sign-off; Done, Skip and Fail record who closed the step.
    signedOffById: signsOff ? actor.id : null,
    signedOffByName: signsOff ? actor.name : null,
    signedOffAt: signsOff ? finishedAt : null,
    note: signsOff ? input.note : current.note,
    reason: input.action === "start" ? "" : input.action === "done" ? current.reason : input.reason,
    gateDecision: current.gateDecision,
    decidedById: current.decidedById,
    decidedByName: current.decidedByName,
    exceptionReason: fleet?.exceptionReason ?? "",
    fleetOutcome: fleet ? JSON.stringify(fleet.outcome) : null,
    fieldValues: input.action === "done" ? fieldValues : current.fieldValues,
  };
  const after = yield* use((store) => store.updateStepRun(current, next));
  if (!after) throw conflict(yield* use((store) => store.loadStepRun(options.runId, options.stepId)));
  yield* use((store) => store.appendAuditEvent({
    actor,
    projectId: current.run.projectId,
    runId: current.runId,
    action: `step.${input.action}`,
    entityType: "step_run",
    entityId: current.id,
    before: stepRunSnapshot(current),
    after: {
      ...stepRunSnapshot(after),
      stepTitle: step.title,
      offline: input.occurredAt !== undefined,
      ...(fieldValues !== "{}" ? { values: JSON.parse(fieldValues) as Record<string, string> } : {}),
      ...(fleet ? { fleet: fleetOutcomeLine(fleet.outcome, fleet.exceptionReason), exceptions: fleet.outcome.exceptions.map((e) => e.hostname) } : {}),
    },
  }));
  if (finishing) yield* settleRunOutcome({ runId: current.runId, actor });
  const result = resultOf(after, input.action === "done" ? actor.name : null);
  yield* use((store) => store.rememberResult({ key: input.idempotencyKey, userId: actor.id, runId: result.runId, result }));
  return result;
}

/** Completes or rolls back the run once every step in its current scope is finished. */
function* settleRunOutcome(options: { runId: string; actor: ActingUser }): StepFlow<void> {
  const progress = yield* use((store) => store.loadRunProgress(options.runId));
  if (!progress || progress.run.status !== "ACTIVE") return;
  const { run } = progress;
  const outcome = runOutcome({ mode: run.mode, inScope: progress.inScope, unfinished: progress.unfinished });
  if (outcome === "ACTIVE") return;
  const endedAt = new Date();
  yield* use((store) => store.endRun(run, outcome, endedAt));
  yield* use((store) => store.appendAuditEvent({
    actor: options.actor,
    projectId: run.projectId,
    runId: run.id,
    action: outcome === "ROLLED_BACK" ? "run.rolled_back" : "run.complete",
    entityType: "run",
    entityId: run.id,
    before: { status: run.status },
    after: { status: outcome, endedAt },
  }));
}

export interface DecideGateOptions {
  actor: ActingUser;
  runId: string;
  stepId: string;
  input: { decision: "GO" | "NO_GO"; note: string; expectedVersion?: number; idempotencyKey?: string };
  /** Seed only: backdate the decision. Never taken from a request. */
  decidedAt?: Date;
  /** How the decision arrived when not in the app ("email link"): recorded in its audit event. */
  via?: string;
  /**
   * Runs inside the decision's transaction before anything is written, with the step run it
   * decides (a one-time approval link spends itself here): if it throws, nothing is decided.
   */
  claim?: (tx: SqlTx | PgTx, stepRun: { id: string; runId: string; stepId: string }) => void | Promise<void>;
}

/**
 * A go/no-go gate's decision. Go closes the gate; No-Go closes it and switches the run to its
 * rollback steps.
 */
export async function decideGate(options: DecideGateOptions): Promise<StepActionResult> {
  return runStepTransaction(options.actor, () => decideGateFlow(options));
}

/** decideGate's rules, as a flow over the step store (./step-flow.ts). */
export function* decideGateFlow(options: DecideGateOptions): StepFlow<StepActionResult> {
  const { actor, input } = options;
  const replay = yield* use((store) => store.replayIfSeen<StepActionResult>(input.idempotencyKey, actor.id));
  if (replay) return replay;
  const current = yield* use((store) => store.loadStepRun(options.runId, options.stepId));
  if (options.claim) yield* use((_store, tx) => options.claim!(tx, { id: current.id, runId: current.runId, stepId: current.stepId }));
  // The rules below judge the actor by their role in this run's project (404 when they may not see it).
  const here = yield* requireProjectAccessIn({ user: actor, projectId: current.run.projectId, need: "view", resource: "Step in this run" });
  const gate = current.step;
  if (gate.kind !== "GATE") throw new ValidationError("Only go/no-go gates take a decision.");
  if (current.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
  if (!canDecideGate(here, gate)) throw new ForbiddenError("Only an admin, the gate's assignee or one of its approvers can decide this gate.");
  if (current.status === "DONE" || current.status === "SKIPPED") {
    const by = current.decidedByName ?? current.signedOffByName;
    throw new ConflictError(`This gate was already decided${by ? ` by ${by}` : ""}. Nothing was changed.`, stepRunSnapshot(current));
  }
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw conflict(current);
  const blocked = yield* blockedReasonFor(current);
  if (blocked) throw new ConflictError(`This gate is blocked. ${blocked}`);
  const now = options.decidedAt ?? new Date();
  const approvals = (yield* use((store) => store.listGateApprovals(current.runId, current.stepId))).filter((a) => a.decision === "GO");
  const step = { runId: current.runId, stepId: current.stepId, userId: actor.id, userName: actor.name, note: input.note, at: now };
  const audit = (action: string, after: Record<string, unknown>) =>
    use((store) => store.appendAuditEvent({ actor, projectId: current.run.projectId, runId: current.runId, action, entityType: "step_run", entityId: current.id, before: stepRunSnapshot(current), after: { ...after, stepTitle: gate.title, ...(options.via ? { via: options.via } : {}) } }));
  const finish = function* (result: StepActionResult): StepFlow<StepActionResult> {
    yield* use((store) => store.rememberResult({ key: input.idempotencyKey, userId: actor.id, runId: result.runId, result }));
    return result;
  };
  const reloaded = () => use((store) => store.loadStepRun(options.runId, options.stepId));

  if (input.decision === "NO_GO") {
    // A hold waits for a second decision; after a hold, a No-Go rolls back.
    const outcome = gateNoGoOutcome(gate.noGoOutcome, current.held !== null);
    if (outcome === "HOLD") {
      if (!(yield* use((store) => store.holdGate(current, { at: now, by: actor.name, note: input.note })))) throw conflict(yield* reloaded());
      yield* use((store) => store.insertGateApproval({ ...step, slot: null, decision: "HOLD" }));
      yield* audit("gate.hold", { held: true, note: input.note, version: current.version + 1 });
      return yield* finish({ ...resultOf({ ...current, startedAt: null, finishedAt: null }, null), status: current.status, version: current.version + 1 });
    }
    const after = yield* closeGate(current, { decision: "NO_GO", actor, note: input.note, at: now });
    yield* use((store) => store.insertGateApproval({ ...step, slot: null, decision: "NO_GO" }));
    yield* audit("gate.no_go", { ...stepRunSnapshot(after), outcome, approvals: approvalsForRecord(approvals) });
    if (outcome === "ABORT") {
      const reason = `No-Go at "${gate.title}": ${input.note}`;
      yield* use((store) => store.abortRun({ id: current.runId, projectId: current.run.projectId, kind: current.run.kind }, { at: now, reason, byId: actor.id, byName: actor.name }));
      yield* use((store) => store.appendAuditEvent({ actor, projectId: current.run.projectId, runId: current.runId, action: "run.abort", entityType: "run", entityId: current.runId, before: { status: "ACTIVE" }, after: { status: "ABORTED", endedAt: now, reason, gate: gate.title } }));
    } else {
      yield* use((store) => store.switchRunToRollback(current.runId));
      yield* use((store) => store.appendAuditEvent({ actor, projectId: current.run.projectId, runId: current.runId, action: "run.rollback_started", entityType: "run", entityId: current.runId, before: { mode: "FORWARD" }, after: { mode: "ROLLBACK", gate: gate.title } }));
      yield* settleRunOutcome({ runId: current.runId, actor });
    }
    return yield* finish(resultOf(after, actor.name));
  }

  // Go: one decision, or the approvals the gate asks for, one person each.
  const doers = gate.fourEyes ? yield* use((store) => store.gatedStepPeople(current.runId, gate.predecessorIds)) : new Set<string>();
  const plan = planGateApproval({ approvers: gate.gateApprovers, approvals, actor: here, fourEyes: gate.fourEyes, doers });
  if (!plan.ok) throw new ForbiddenError(plan.message);
  yield* use((store) => store.insertGateApproval({ ...step, slot: plan.slot, decision: "GO" }));
  if (!plan.complete) {
    if (!(yield* use((store) => store.touchStepRun(current)))) throw conflict(yield* reloaded());
    yield* audit("gate.approve", { approvedBy: actor.name, note: input.note, waitingFor: plan.waitingFor, version: current.version + 1 });
    return yield* finish({ ...resultOf({ ...current, startedAt: null, finishedAt: null }, null), status: current.status, version: current.version + 1 });
  }
  const after = yield* closeGate(current, { decision: "GO", actor, note: input.note, at: now });
  yield* audit("gate.go", { ...stepRunSnapshot(after), approvals: approvalsForRecord([...approvals, { userName: actor.name, note: input.note, at: toSqlTime(now)! }]) });
  yield* settleRunOutcome({ runId: current.runId, actor });
  return yield* finish(resultOf(after, actor.name));
}

/** The gate's final state: decided, signed off in the decider's name. */
function* closeGate(current: LoadedStepRun, decision: { decision: "GO" | "NO_GO"; actor: ActingUser; note: string; at: Date }) {
  const { actor, at } = decision;
  const next = {
    status: "DONE" as const,
    gateDecision: decision.decision,
    decidedById: actor.id,
    decidedByName: actor.name,
    signedOffById: actor.id,
    signedOffByName: actor.name,
    signedOffAt: at,
    startedAt: current.startedAt ?? at,
    startedById: current.startedById ?? actor.id,
    startedByName: current.startedById ? current.startedByName : actor.name,
    finishedAt: at,
    note: decision.note,
    reason: current.reason,
    exceptionReason: current.exceptionReason,
    fleetOutcome: current.fleetOutcome,
    fieldValues: current.fieldValues,
  };
  const after = yield* use((store) => store.updateStepRun(current, next));
  if (!after) throw conflict(yield* use((store) => store.loadStepRun(current.runId, current.stepId)));
  return after;
}

const approvalsForRecord = (rows: readonly { userName: string; note: string; at: string }[]) => rows.map((r) => ({ by: r.userName, note: r.note, at: r.at }));

export interface UndoSignOffOptions {
  actor: ActingUser;
  runId: string;
  stepId: string;
  input: { reason: string };
}

/** Admin-only: reopens a signed-off, skipped or failed step. Audited with the reason. */
export async function undoSignOff(options: UndoSignOffOptions) {
  return runStepTransaction(options.actor, () => undoSignOffFlow(options));
}

/** undoSignOff's rules, as a flow over the step store (./step-flow.ts). */
export function* undoSignOffFlow(options: UndoSignOffOptions) {
  const { actor } = options;
  const current = yield* use((store) => store.loadStepRun(options.runId, options.stepId));
  // The rules below judge the actor by their role in this run's project (404 when they may not see it).
  const here = yield* requireProjectAccessIn({ user: actor, projectId: current.run.projectId, need: "view", resource: "Step in this run" });
  const signOff = { kind: current.step.kind, signedOffById: current.signedOffById, signedOffAt: current.signedOffAt };
  if (!canUndoSignOff(here, signOff)) {
    throw new ForbiddenError(current.signedOffById === actor.id ? "Your own sign-off can be undone only within 2 minutes; after that, ask an admin." : "Only admins can undo someone else's sign-off.");
  }
  // The signer's own undo within the window needs no reason: it was a mistaken tap.
  const ownQuickUndo = canUndoSignOff({ id: here.id, role: "OPERATOR" }, signOff);
  const reason = options.input.reason.trim() || (ownQuickUndo ? "Undone by the person who signed it off, within 2 minutes." : "");
  if (!reason) throw new ValidationError("Say why the sign-off is undone.", { reason: ["Reason is required."] });
  if (current.status === "PENDING" || current.status === "IN_PROGRESS") throw new ConflictError("There is no sign-off to undo on this step.");
  if (current.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
  if (current.gateDecision === "NO_GO" && current.run.mode === "ROLLBACK") throw new ConflictError("A No-Go that started the rollback can't be undone.");
  const next = {
    status: current.startedAt ? ("IN_PROGRESS" as const) : ("PENDING" as const),
    startedAt: current.startedAt,
    startedById: current.startedById,
    startedByName: current.startedByName,
    finishedAt: null,
    signedOffById: null,
    signedOffByName: null,
    signedOffAt: null,
    note: current.note,
    reason: "",
    gateDecision: null,
    decidedById: null,
    decidedByName: null,
    exceptionReason: "",
    fleetOutcome: null,
    fieldValues: "{}",
  };
  const after = yield* use((store) => store.updateStepRun(current, next));
  if (!after) throw conflict(yield* use((store) => store.loadStepRun(options.runId, options.stepId)));
  // A reopened gate starts its approvals over; the undone ones stay on record, revoked.
  if (current.step.kind === "GATE") yield* use((store) => store.revokeGateApprovals(current.runId, current.stepId, new Date()));
  yield* use((store) => store.appendAuditEvent({
    actor,
    projectId: current.run.projectId,
    runId: current.runId,
    action: "step.undo_signoff",
    entityType: "step_run",
    entityId: current.id,
    before: stepRunSnapshot(current),
    after: { ...stepRunSnapshot(after), undoReason: reason, stepTitle: current.step.title, ...(ownQuickUndo ? { ownUndo: true } : {}) },
  }));
  return { status: after.status, version: after.version };
}

/**
 * After a run ends: a live run's outcome becomes the project's status; an aborted live run puts
 * the project back to planning (the cutover is postponed); a rehearsal that was the last active
 * one puts a project still in "Rehearsal" back to planning.
 */
async function settleProjectStatus(tx: Tx, run: { id: string; projectId: string; kind: string }, outcome: RunStatusName): Promise<void> {
  if (run.kind === "LIVE") {
    const status = outcome === "ABORTED" ? "PLANNING" : outcome === "ROLLED_BACK" ? "ROLLED_BACK" : "COMPLETED";
    await tx.project.update({ where: { id: run.projectId }, data: { status } });
    return;
  }
  const otherActive = await tx.run.count({ where: { projectId: run.projectId, status: "ACTIVE", id: { not: run.id } } });
  if (otherActive === 0) await tx.project.updateMany({ where: { id: run.projectId, status: "REHEARSAL" }, data: { status: "PLANNING" } });
}

/**
 * Ends a run by hand: "abort" (any run; nothing more is ticked, the outcome is Aborted) or "end"
 * (a rehearsal ended early: its remaining steps are recorded as not run). Admins only, with a
 * reason, audited; the run's record is final from then on.
 */
export async function endRunByHand(options: { actor: ActingUser; runId: string; how: "abort" | "end"; input: { reason: string } }) {
  const { actor, how, input } = options;
  if (!(how === "abort" ? canAbortRun(actor) : canEndRehearsal(actor))) {
    throw new ForbiddenError(how === "abort" ? "Only admins can abort a run." : "Only admins can end a rehearsal.");
  }
  return runTransaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: options.runId }, select: { id: true, projectId: true, kind: true, status: true, mode: true, name: true } });
    if (!run) throw new NotFoundError("Run");
    if (run.status !== "ACTIVE") throw new ConflictError("This run has already ended; its record can't be changed.");
    if (how === "end" && run.kind !== "REHEARSAL") throw new ValidationError("Only a rehearsal can be ended early. A live run is completed, rolled back or aborted.");
    const counts = await tx.stepRun.groupBy({ by: ["status"], where: { runId: run.id }, _count: { _all: true } });
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c._count._all]));
    const outcome: RunStatusName = how === "abort" ? "ABORTED" : "COMPLETED";
    const endedAt = new Date();
    await tx.run.update({ where: { id: run.id }, data: { status: outcome, endedAt, endReason: input.reason, endedById: actor.id, endedByName: actor.name } });
    await settleProjectStatus(tx, run, outcome);
    await appendAuditEvent(tx, {
      actor,
      projectId: run.projectId,
      runId: run.id,
      action: how === "abort" ? "run.abort" : "run.end_early",
      entityType: "run",
      entityId: run.id,
      before: { status: run.status, mode: run.mode },
      after: { status: outcome, endedAt, reason: input.reason, notRun: byStatus.PENDING ?? 0, inProgress: byStatus.IN_PROGRESS ?? 0 },
    });
    return { status: outcome, endedAt: endedAt.toISOString() };
  });
}
