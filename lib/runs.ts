import "server-only";
import { appendAuditEvent } from "./audit";
import { prisma, type Tx } from "./db/client";
import { runTransaction } from "./db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { canDecideGate, canOperateSteps, canSignOffStep, canStartRun, canUndoSignOff, type Actor } from "./permissions";
import {
  blockedReason,
  checkTransition,
  runOutcome,
  STATUS_LABELS,
  type RunModeName,
  type RunStatusName,
  type StepAction,
  type StepStatusName,
} from "./step-rules";
import { formatInZone } from "./time";

type ActingUser = Actor & { name: string };

/** Tolerated clock skew for offline-queued timestamps that claim to be in the future. */
const FUTURE_SKEW_MS = 60_000;

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
    const project = await tx.project.findUnique({ where: { id: options.projectId }, include: { steps: { select: { id: true, isFleet: true } }, fleetClients: { select: { id: true } } } });
    if (!project) throw new NotFoundError("Project");
    if (project.steps.length === 0) throw new ConflictError("Add steps to the plan before starting a run.");
    if (input.kind === "LIVE") {
      const activeLive = await tx.run.findFirst({ where: { projectId: project.id, kind: "LIVE", status: "ACTIVE" }, select: { name: true } });
      if (activeLive) throw new ConflictError(`The live run "${activeLive.name}" is still active.`);
    }
    const now = options.startedAt ?? new Date();
    const windowLength = project.windowEnd.getTime() - project.windowStart.getTime();
    // A rehearsal is measured against a window of the same length starting now.
    const windowStart = input.kind === "LIVE" ? project.windowStart : now;
    const windowEnd = input.kind === "LIVE" ? project.windowEnd : new Date(now.getTime() + windowLength);
    const count = await tx.run.count({ where: { projectId: project.id, kind: input.kind } });
    const name = input.name || `${input.kind === "LIVE" ? "Live cutover" : "Rehearsal"} ${count + 1}`;
    const run = await tx.run.create({
      data: { projectId: project.id, kind: input.kind, name, windowStart, windowEnd, startedAt: now, startedById: actor.id },
    });
    await tx.stepRun.createMany({ data: project.steps.map((step) => ({ runId: run.id, stepId: step.id })) });
    const fleetSteps = project.steps.filter((s) => s.isFleet);
    if (fleetSteps.length > 0 && project.fleetClients.length > 0) {
      await tx.fleetClientRun.createMany({
        data: fleetSteps.flatMap((step) => project.fleetClients.map((client) => ({ runId: run.id, stepId: step.id, clientId: client.id }))),
      });
    }
    await tx.project.update({ where: { id: project.id }, data: { status: input.kind === "LIVE" ? "LIVE" : "REHEARSAL" } });
    await appendAuditEvent(tx, { actor, projectId: project.id, runId: run.id, action: "run.start", entityType: "run", entityId: run.id, before: null, after: { kind: run.kind, name: run.name, windowStart, windowEnd } });
    return run;
  });
}

/** Everything the run page shows, in one round of queries (no per-step fetches). */
export async function getRunView(options: { runId: string }) {
  const run = await prisma.run.findUnique({
    where: { id: options.runId },
    include: {
      project: true,
      startedBy: { select: { name: true } },
      stepRuns: {
        include: {
          startedBy: { select: { id: true, name: true } },
          signedOffBy: { select: { id: true, name: true } },
          decidedBy: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!run) throw new NotFoundError("Run");
  const phases = await prisma.phase.findMany({
    where: { projectId: run.projectId },
    orderBy: { position: "asc" },
    include: {
      steps: {
        orderBy: { position: "asc" },
        include: { predecessors: { select: { predecessorId: true } }, assignee: { select: { id: true, name: true } } },
      },
    },
  });
  return { run, phases };
}

const stepRunSnapshot = (s: { status: string; startedAt: Date | null; finishedAt: Date | null; signedOffById: string | null; signedOffAt: Date | null; note: string; reason: string; gateDecision: string | null; version: number }) => ({
  status: s.status,
  startedAt: s.startedAt,
  finishedAt: s.finishedAt,
  signedOffById: s.signedOffById,
  signedOffAt: s.signedOffAt,
  note: s.note,
  reason: s.reason,
  gateDecision: s.gateDecision,
  version: s.version,
});

async function loadStepRun(tx: Tx, runId: string, stepId: string) {
  const stepRun = await tx.stepRun.findUnique({
    where: { runId_stepId: { runId, stepId } },
    include: {
      step: { include: { predecessors: { select: { predecessorId: true } } } },
      run: { include: { project: { select: { id: true, timezone: true } } } },
      signedOffBy: { select: { name: true } },
      startedBy: { select: { name: true } },
    },
  });
  if (!stepRun) throw new NotFoundError("Step in this run");
  return stepRun;
}

type LoadedStepRun = Awaited<ReturnType<typeof loadStepRun>>;

/** Why this step can't start in its run right now (dependencies, rollback mode), or null. */
async function blockedReasonFor(tx: Tx, stepRun: LoadedStepRun): Promise<string | null> {
  // Load only what the rule looks at: this step's predecessors, or (for a rollback step) the
  // other rollback steps. Reading the whole run here made every sign-off O(steps).
  const isRollback = stepRun.step.kind === "ROLLBACK";
  const predecessorIds = stepRun.step.predecessors.map((p) => p.predecessorId);
  const related = await tx.stepRun.findMany({
    where: isRollback ? { runId: stepRun.runId, step: { kind: "ROLLBACK" } } : { runId: stepRun.runId, stepId: { in: [stepRun.stepId, ...predecessorIds] } },
    select: { status: true, step: { select: { id: true, title: true, kind: true, position: true, phase: { select: { position: true } } } } },
  });
  const statusById = new Map(related.map((s) => [s.step.id, s.status as StepStatusName]));
  // Order across phases: phase position first, then step position.
  const order = (s: { position: number; phase: { position: number } }) => s.phase.position * 100_000 + s.position;
  const steps = related.map((s) => ({
    id: s.step.id,
    title: s.step.title,
    kind: s.step.kind,
    position: order(s.step),
    predecessorIds: s.step.id === stepRun.stepId ? predecessorIds : [],
  }));
  const self = steps.find((s) => s.id === stepRun.stepId)!;
  return blockedReason({
    step: self,
    steps,
    statusOf: (id) => statusById.get(id) ?? "PENDING",
    mode: stepRun.run.mode as RunModeName,
    runStatus: stepRun.run.status as RunStatusName,
  });
}

/** An offline action keeps its original time, within [run start, now]. */
function boundedTime(occurredAt: Date | undefined, runStartedAt: Date, now: Date): Date {
  if (!occurredAt) return now;
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw new ValidationError("That action's time is in the future; check the device clock.", { occurredAt: ["In the future."] });
  }
  if (occurredAt.getTime() < runStartedAt.getTime()) {
    throw new ValidationError("That action's time is before the run started.", { occurredAt: ["Before the run started."] });
  }
  return occurredAt.getTime() > now.getTime() ? now : occurredAt;
}

function conflictMessage(current: LoadedStepRun): string {
  const tz = current.run.project.timezone;
  if (current.status === "DONE" && current.signedOffBy) {
    return `Already signed off by ${current.signedOffBy.name} at ${formatInZone(current.signedOffAt, tz, "time")}. Nothing was changed.`;
  }
  if (current.status === "IN_PROGRESS" && current.startedBy) {
    return `Already started by ${current.startedBy.name} at ${formatInZone(current.startedAt, tz, "time")}. Nothing was changed.`;
  }
  return `Someone else changed this step first; it is now ${STATUS_LABELS[current.status as StepStatusName].toLowerCase()}. Nothing was changed.`;
}

export interface StepActionResult {
  stepId: string;
  runId: string;
  status: StepStatusName;
  version: number;
  startedAt: string | null;
  finishedAt: string | null;
  signedOffBy: string | null;
  replayed?: boolean;
}

async function replayIfSeen(tx: Tx, key: string | undefined, userId: string): Promise<StepActionResult | null> {
  if (!key) return null;
  const seen = await tx.idempotencyKey.findUnique({ where: { key } });
  if (!seen) return null;
  if (seen.userId !== userId) throw new ConflictError("That idempotency key belongs to another user.");
  return { ...(JSON.parse(seen.response) as StepActionResult), replayed: true };
}

/**
 * Start, Done (sign-off), Skip or Fail one step of a run. The update is conditional on the
 * version and status the server read, so of two operators ticking at once exactly one wins and
 * the other gets "already signed off by X at T" with nothing overwritten.
 */
export async function performStepAction(options: {
  actor: ActingUser;
  runId: string;
  stepId: string;
  input: { action: StepAction; note: string; reason: string; expectedVersion?: number; idempotencyKey?: string; occurredAt?: Date };
  /** Seed only: backdate the action without marking it as queued offline. Never taken from a request. */
  recordedAt?: Date;
}): Promise<StepActionResult> {
  const { actor, input } = options;
  return runTransaction(async (tx) => {
    const replay = await replayIfSeen(tx, input.idempotencyKey, actor.id);
    if (replay) return replay;
    const current = await loadStepRun(tx, options.runId, options.stepId);
    const step = current.step;
    if (current.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
    if (input.action === "done" ? !canSignOffStep(actor, step) : !canOperateSteps(actor)) {
      throw new ForbiddenError(step.kind === "GATE" && canOperateSteps(actor) ? "A go/no-go gate needs a Go or No-Go decision." : "Your role can't change steps in a run.");
    }
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw new ConflictError(conflictMessage(current), stepRunSnapshot(current));
    }
    const transition = checkTransition({ from: current.status as StepStatusName, action: input.action, reason: input.reason });
    if (!transition.ok) {
      if (current.status === "DONE" || current.status === "SKIPPED" || current.status === "IN_PROGRESS") throw new ConflictError(conflictMessage(current), stepRunSnapshot(current));
      throw new ValidationError(transition.message, input.action === "skip" || input.action === "fail" ? { reason: [transition.message] } : {});
    }
    if (current.status === "PENDING" || input.action === "start") {
      const blocked = await blockedReasonFor(tx, current);
      if (blocked) throw new ConflictError(`This step is blocked. ${blocked}`);
    }
    const now = new Date();
    const at = options.recordedAt ?? boundedTime(input.occurredAt, current.run.startedAt, now);
    const finishing = transition.to !== "IN_PROGRESS";
    const startedAt = current.startedAt ?? at;
    // A finish can't precede its own start, even with skewed offline clocks.
    const finishedAt = finishing ? (at.getTime() < startedAt.getTime() ? startedAt : at) : null;
    const data = {
      status: transition.to,
      startedAt,
      startedById: current.startedById ?? actor.id,
      finishedAt,
      version: { increment: 1 },
      ...(input.action === "start" ? { reason: "", signedOffById: null, signedOffAt: null } : {}),
      ...(input.action === "done" ? { signedOffById: actor.id, signedOffAt: finishedAt, note: input.note } : {}),
      ...(input.action === "skip" || input.action === "fail" ? { reason: input.reason, note: input.note, signedOffById: actor.id, signedOffAt: finishedAt } : {}),
    };
    const updated = await tx.stepRun.updateMany({ where: { id: current.id, version: current.version, status: current.status }, data });
    if (updated.count === 0) {
      const fresh = await loadStepRun(tx, options.runId, options.stepId);
      throw new ConflictError(conflictMessage(fresh), stepRunSnapshot(fresh));
    }
    const after = await tx.stepRun.findUniqueOrThrow({ where: { id: current.id } });
    await appendAuditEvent(tx, {
      actor,
      projectId: current.run.projectId,
      runId: current.runId,
      action: `step.${input.action}`,
      entityType: "step_run",
      entityId: current.id,
      before: stepRunSnapshot(current),
      after: { ...stepRunSnapshot(after), stepTitle: step.title, offline: input.occurredAt !== undefined },
    });
    if (finishing) await settleRunOutcome(tx, { runId: current.runId, actor });
    const result: StepActionResult = {
      stepId: step.id,
      runId: current.runId,
      status: after.status as StepStatusName,
      version: after.version,
      startedAt: after.startedAt?.toISOString() ?? null,
      finishedAt: after.finishedAt?.toISOString() ?? null,
      signedOffBy: input.action === "done" ? actor.name : null,
    };
    if (input.idempotencyKey) {
      await tx.idempotencyKey.create({ data: { key: input.idempotencyKey, userId: actor.id, runId: current.runId, response: JSON.stringify(result) } });
    }
    return result;
  });
}

/** Completes or rolls back the run once every step in its current scope is finished. */
async function settleRunOutcome(tx: Tx, options: { runId: string; actor: ActingUser }) {
  const run = await tx.run.findUniqueOrThrow({ where: { id: options.runId } });
  if (run.status !== "ACTIVE") return;
  const mode = run.mode as RunModeName;
  // Counting what is still open is one indexed query; loading every step run was O(steps) per sign-off.
  const inScope = { runId: run.id, step: { kind: mode === "ROLLBACK" ? ("ROLLBACK" as const) : { not: "ROLLBACK" as const } } };
  const [total, open] = await Promise.all([
    tx.stepRun.count({ where: inScope }),
    tx.stepRun.count({ where: { ...inScope, status: { notIn: ["DONE", "SKIPPED"] } } }),
  ]);
  const outcome = runOutcome({ mode, inScope: total, unfinished: open });
  if (outcome === "ACTIVE") return;
  const endedAt = new Date();
  await tx.run.update({ where: { id: run.id }, data: { status: outcome, endedAt } });
  if (run.kind === "LIVE") await tx.project.update({ where: { id: run.projectId }, data: { status: outcome === "ROLLED_BACK" ? "ROLLED_BACK" : "COMPLETED" } });
  await appendAuditEvent(tx, {
    actor: options.actor,
    projectId: run.projectId,
    runId: run.id,
    action: outcome === "ROLLED_BACK" ? "run.rolled_back" : "run.complete",
    entityType: "run",
    entityId: run.id,
    before: { status: run.status },
    after: { status: outcome, endedAt },
  });
}

/**
 * A go/no-go gate's decision. Go closes the gate; No-Go closes it and switches the run to its
 * rollback steps.
 */
export async function decideGate(options: {
  actor: ActingUser;
  runId: string;
  stepId: string;
  input: { decision: "GO" | "NO_GO"; note: string; expectedVersion?: number; idempotencyKey?: string };
  /** Seed only: backdate the decision. Never taken from a request. */
  decidedAt?: Date;
}): Promise<StepActionResult> {
  const { actor, input } = options;
  return runTransaction(async (tx) => {
    const replay = await replayIfSeen(tx, input.idempotencyKey, actor.id);
    if (replay) return replay;
    const current = await loadStepRun(tx, options.runId, options.stepId);
    if (current.step.kind !== "GATE") throw new ValidationError("Only go/no-go gates take a decision.");
    if (!canDecideGate(actor, current.step)) throw new ForbiddenError("Only an admin or the gate's assignee can decide this gate.");
    if (current.status === "DONE" || current.status === "SKIPPED") {
      throw new ConflictError(`This gate was already decided${current.signedOffBy ? ` by ${current.signedOffBy.name}` : ""}. Nothing was changed.`, stepRunSnapshot(current));
    }
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) {
      throw new ConflictError(conflictMessage(current), stepRunSnapshot(current));
    }
    const blocked = await blockedReasonFor(tx, current);
    if (blocked) throw new ConflictError(`This gate is blocked. ${blocked}`);
    const now = options.decidedAt ?? new Date();
    const updated = await tx.stepRun.updateMany({
      where: { id: current.id, version: current.version },
      data: {
        status: "DONE",
        gateDecision: input.decision,
        decidedById: actor.id,
        signedOffById: actor.id,
        signedOffAt: now,
        startedAt: current.startedAt ?? now,
        startedById: current.startedById ?? actor.id,
        finishedAt: now,
        note: input.note,
        version: { increment: 1 },
      },
    });
    if (updated.count === 0) throw new ConflictError(conflictMessage(await loadStepRun(tx, options.runId, options.stepId)));
    const after = await tx.stepRun.findUniqueOrThrow({ where: { id: current.id } });
    await appendAuditEvent(tx, {
      actor,
      projectId: current.run.projectId,
      runId: current.runId,
      action: input.decision === "GO" ? "gate.go" : "gate.no_go",
      entityType: "step_run",
      entityId: current.id,
      before: stepRunSnapshot(current),
      after: { ...stepRunSnapshot(after), stepTitle: current.step.title },
    });
    if (input.decision === "NO_GO") {
      await tx.run.update({ where: { id: current.runId }, data: { mode: "ROLLBACK" } });
      await appendAuditEvent(tx, { actor, projectId: current.run.projectId, runId: current.runId, action: "run.rollback_started", entityType: "run", entityId: current.runId, before: { mode: "FORWARD" }, after: { mode: "ROLLBACK", gate: current.step.title } });
    }
    await settleRunOutcome(tx, { runId: current.runId, actor });
    const result: StepActionResult = {
      stepId: current.stepId,
      runId: current.runId,
      status: "DONE",
      version: after.version,
      startedAt: after.startedAt?.toISOString() ?? null,
      finishedAt: after.finishedAt?.toISOString() ?? null,
      signedOffBy: actor.name,
    };
    if (input.idempotencyKey) await tx.idempotencyKey.create({ data: { key: input.idempotencyKey, userId: actor.id, runId: current.runId, response: JSON.stringify(result) } });
    return result;
  });
}

/** Admin-only: reopens a signed-off, skipped or failed step. Audited with the reason. */
export async function undoSignOff(options: { actor: ActingUser; runId: string; stepId: string; input: { reason: string } }) {
  const { actor } = options;
  if (!canUndoSignOff(actor)) throw new ForbiddenError("Only admins can undo a sign-off.");
  return runTransaction(async (tx) => {
    const current = await loadStepRun(tx, options.runId, options.stepId);
    if (current.status === "PENDING" || current.status === "IN_PROGRESS") throw new ConflictError("There is no sign-off to undo on this step.");
    if (current.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
    if (current.gateDecision === "NO_GO" && current.run.mode === "ROLLBACK") throw new ConflictError("A No-Go that started the rollback can't be undone.");
    const updated = await tx.stepRun.updateMany({
      where: { id: current.id, version: current.version },
      data: { status: current.startedAt ? "IN_PROGRESS" : "PENDING", finishedAt: null, signedOffById: null, signedOffAt: null, gateDecision: null, decidedById: null, reason: "", version: { increment: 1 } },
    });
    if (updated.count === 0) throw new ConflictError(conflictMessage(await loadStepRun(tx, options.runId, options.stepId)));
    const after = await tx.stepRun.findUniqueOrThrow({ where: { id: current.id } });
    await appendAuditEvent(tx, {
      actor,
      projectId: current.run.projectId,
      runId: current.runId,
      action: "step.undo_signoff",
      entityType: "step_run",
      entityId: current.id,
      before: stepRunSnapshot(current),
      after: { ...stepRunSnapshot(after), undoReason: options.input.reason, stepTitle: current.step.title },
    });
    return { status: after.status, version: after.version };
  });
}
