import "server-only";
import { fromSqlTime, prepared, toSqlTime } from "../platform/db/sql";
import type { SqlTx } from "../platform/db/transaction";
import { NotFoundError } from "../platform/errors";
import type { FleetOutcome, FleetStatusName } from "../fleet/model";
import type { FleetActionName, RunModeName, RunStatusName, StepKindName, StepStatusName } from "./model";

/*
 * The step-action hot path's SQL: Start, Done, Skip, Fail, gate decisions and undo are what every
 * operator does at 3 a.m., often many at once, so they run on the direct SQLite connection as one
 * synchronous transaction of prepared statements (runSqlTransaction): 0.27 ms per sign-off
 * instead of 5.2 ms through Prisma (the README's benchmark section). Rows are written in Prisma's
 * formats, so Prisma reads them back unchanged. The rules live in ./service.ts.
 */

export interface StepRunRow {
  id: string;
  runId: string;
  stepId: string;
  status: StepStatusName;
  startedAt: string | null;
  finishedAt: string | null;
  startedById: string | null;
  startedByName: string | null;
  signedOffById: string | null;
  signedOffByName: string | null;
  signedOffAt: string | null;
  note: string;
  reason: string;
  gateDecision: string | null;
  decidedById: string | null;
  decidedByName: string | null;
  exceptionReason: string;
  fleetOutcome: string | null;
  version: number;
}

/** A step run with the step and run facts the rules, permission checks and audit record use. */
export interface LoadedStepRun extends Omit<StepRunRow, "startedAt" | "finishedAt" | "signedOffAt"> {
  startedAt: Date | null;
  finishedAt: Date | null;
  signedOffAt: Date | null;
  step: { id: string; kind: string; title: string; assigneeId: string | null; predecessorIds: string[]; isFleet: boolean; fleetAction: FleetActionName | null };
  run: { status: RunStatusName; mode: RunModeName; startedAt: Date; projectId: string; timezone: string };
}

const STEP_RUN_COLUMNS = `"id", "runId", "stepId", "status", "startedAt", "finishedAt", "startedById", "startedByName", "signedOffById", "signedOffByName", "signedOffAt", "note", "reason", "gateDecision", "decidedById", "decidedByName", "exceptionReason", "fleetOutcome", "version"`;

export function withDates<T extends Pick<StepRunRow, "startedAt" | "finishedAt" | "signedOffAt">>(row: T) {
  return { ...row, startedAt: fromSqlTime(row.startedAt), finishedAt: fromSqlTime(row.finishedAt), signedOffAt: fromSqlTime(row.signedOffAt) };
}

export const stepRunSnapshot = (s: { status: string; startedAt: Date | null; finishedAt: Date | null; signedOffById: string | null; signedOffAt: Date | null; note: string; reason: string; gateDecision: string | null; version: number }) => ({
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

export function loadStepRun(tx: SqlTx, runId: string, stepId: string): LoadedStepRun {
  const row = prepared<StepRunRow & { stepKind: string; stepTitle: string; stepAssigneeId: string | null; stepPredecessorIds: string; stepIsFleet: number; stepFleetAction: FleetActionName | null; runStatus: RunStatusName; runMode: RunModeName; runStartedAt: string; projectId: string; timezone: string }>(
    tx.db,
    `SELECT ${STEP_RUN_COLUMNS.replace(/"(\w+)"/g, 'sr."$1"')},
            sr."kind" AS stepKind, sr."title" AS stepTitle, sr."assigneeId" AS stepAssigneeId, sr."predecessorIds" AS stepPredecessorIds, sr."isFleet" AS stepIsFleet, sr."fleetAction" AS stepFleetAction,
            r."status" AS runStatus, r."mode" AS runMode, r."startedAt" AS runStartedAt, r."projectId" AS projectId, p."timezone" AS timezone
       FROM "step_run" sr
       JOIN "run" r ON r."id" = sr."runId"
       JOIN "project" p ON p."id" = r."projectId"
      WHERE sr."runId" = ? AND sr."stepId" = ?`,
  ).get(runId, stepId);
  if (!row) throw new NotFoundError("Step in this run");
  const { stepKind, stepTitle, stepAssigneeId, stepPredecessorIds, stepIsFleet, stepFleetAction, runStatus, runMode, runStartedAt, projectId, timezone, ...stepRun } = row;
  return {
    ...withDates(stepRun),
    step: { id: stepRun.stepId, kind: stepKind, title: stepTitle, assigneeId: stepAssigneeId, predecessorIds: JSON.parse(stepPredecessorIds) as string[], isFleet: stepIsFleet === 1, fleetAction: stepFleetAction },
    run: { status: runStatus, mode: runMode, startedAt: fromSqlTime(runStartedAt), projectId, timezone },
  };
}

/** Writes the step run's next state, only if it is still the version that was read; null if not. */
export function updateStepRun(tx: SqlTx, current: LoadedStepRun, next: Omit<LoadedStepRun, "id" | "runId" | "stepId" | "version" | "step" | "run">) {
  const row = prepared<StepRunRow>(
    tx.db,
    `UPDATE "step_run"
        SET "status" = ?, "startedAt" = ?, "startedById" = ?, "startedByName" = ?, "finishedAt" = ?, "signedOffById" = ?, "signedOffByName" = ?, "signedOffAt" = ?,
            "note" = ?, "reason" = ?, "gateDecision" = ?, "decidedById" = ?, "decidedByName" = ?, "exceptionReason" = ?, "fleetOutcome" = ?,
            "version" = "version" + 1, "updatedAt" = ?
      WHERE "id" = ? AND "version" = ? AND "status" = ?
  RETURNING ${STEP_RUN_COLUMNS}`,
  ).get(
    next.status,
    toSqlTime(next.startedAt),
    next.startedById,
    next.startedByName,
    toSqlTime(next.finishedAt),
    next.signedOffById,
    next.signedOffByName,
    toSqlTime(next.signedOffAt),
    next.note,
    next.reason,
    next.gateDecision,
    next.decidedById,
    next.decidedByName,
    next.exceptionReason,
    next.fleetOutcome,
    toSqlTime(new Date()),
    current.id,
    current.version,
    current.status,
  );
  return row ? withDates(row) : null;
}


/**
 * What the blocked-step rule looks at, and only that: this step's predecessors with their states,
 * or (for a rollback step) the run's rollback steps. Reading the whole run here made every
 * sign-off O(steps).
 */
export function loadBlockingSteps(tx: SqlTx, stepRun: LoadedStepRun): { predecessorIds: string[]; related: RelatedStepState[] } {
  // The run's frozen copy of the plan: predecessors and order as they were when it was frozen.
  const predecessorIds = stepRun.step.predecessorIds;
  const columns = `sr."status", sr."stepId" AS "id", sr."title", sr."kind", sr."position", ph."position" AS phasePosition
       FROM "step_run" sr JOIN "run_phase" ph ON ph."id" = sr."runPhaseId"`;
  const related =
    stepRun.step.kind === "ROLLBACK"
      ? prepared<RelatedStepState>(tx.db, `SELECT ${columns} WHERE sr."runId" = ? AND sr."kind" = 'ROLLBACK'`).all(stepRun.runId)
      : prepared<RelatedStepState>(tx.db, `SELECT ${columns} WHERE sr."runId" = ? AND (sr."id" = ? OR sr."stepId" IN (SELECT value FROM json_each(?)))`).all(
          stepRun.runId,
          stepRun.id,
          JSON.stringify(predecessorIds),
        );
  return { predecessorIds, related };
}

export interface RelatedStepState {
  status: StepStatusName;
  id: string;
  title: string;
  kind: StepKindName;
  position: number;
  phasePosition: number;
}

/** The run as settleRunOutcome sees it, with how many steps of its current scope are not finished. */
export function loadRunProgress(tx: SqlTx, runId: string) {
  const run = prepared<{ id: string; projectId: string; kind: string; status: RunStatusName; mode: RunModeName }>(
    tx.db,
    `SELECT "id", "projectId", "kind", "status", "mode" FROM "run" WHERE "id" = ?`,
  ).get(runId);
  if (!run) return null;
  // One indexed pass over the run's step runs; loading every step run was O(steps) per sign-off.
  const { total, open } = prepared<{ total: number; open: number }>(
    tx.db,
    `SELECT count(*) AS total, coalesce(sum(sr."status" NOT IN ('DONE', 'SKIPPED')), 0) AS open
       FROM "step_run" sr
      WHERE sr."runId" = ? AND (sr."kind" = 'ROLLBACK') = ?`,
  ).get(run.id, run.mode === "ROLLBACK" ? 1 : 0)!;
  return { run, inScope: total, unfinished: open };
}

export function endRun(tx: SqlTx, run: { id: string; projectId: string; kind: string }, outcome: RunStatusName, endedAt: Date): void {
  prepared(tx.db, `UPDATE "run" SET "status" = ?, "endedAt" = ?, "updatedAt" = ? WHERE "id" = ?`).run(outcome, toSqlTime(endedAt), toSqlTime(endedAt), run.id);
  if (run.kind === "LIVE") {
    prepared(tx.db, `UPDATE "project" SET "status" = ?, "updatedAt" = ? WHERE "id" = ?`).run(outcome === "ROLLED_BACK" ? "ROLLED_BACK" : "COMPLETED", toSqlTime(endedAt), run.projectId);
  } else {
    // The last active rehearsal is over: a project still shown as "Rehearsal" is back to planning.
    prepared(
      tx.db,
      `UPDATE "project" SET "status" = 'PLANNING', "updatedAt" = ?
        WHERE "id" = ? AND "status" = 'REHEARSAL' AND NOT EXISTS (SELECT 1 FROM "run" WHERE "projectId" = ? AND "status" = 'ACTIVE')`,
    ).run(toSqlTime(endedAt), run.projectId, run.projectId);
  }
}

export function switchRunToRollback(tx: SqlTx, runId: string): void {
  prepared(tx.db, `UPDATE "run" SET "mode" = 'ROLLBACK', "updatedAt" = ? WHERE "id" = ?`).run(toSqlTime(new Date()), runId);
}


/** A fleet step's clients in this run, for its sign-off: counts by status and the ones not done. */
export function loadFleetOutcome(tx: SqlTx, options: { runId: string; stepId: string; action: FleetActionName; doneStatuses: readonly FleetStatusName[]; listLimit: number }): FleetOutcome {
  const counts: Record<FleetStatusName, number> = { PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0 };
  for (const row of prepared<{ status: FleetStatusName; n: number }>(tx.db, `SELECT "status", count(*) AS n FROM "fleet_client_run" WHERE "runId" = ? AND "stepId" = ? GROUP BY "status"`).all(options.runId, options.stepId)) {
    counts[row.status] = row.n;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = options.doneStatuses.reduce((sum, status) => sum + counts[status], 0);
  const placeholders = options.doneStatuses.map(() => "?").join(", ");
  const exceptions = prepared<{ hostname: string; status: FleetStatusName }>(
    tx.db,
    `SELECT c."hostname", f."status" FROM "fleet_client_run" f JOIN "fleet_client" c ON c."id" = f."clientId"
      WHERE f."runId" = ? AND f."stepId" = ? AND f."status" NOT IN (${placeholders})
      ORDER BY f."status" = 'FAILED' DESC, c."hostname" LIMIT ?`,
  ).all(options.runId, options.stepId, ...options.doneStatuses, options.listLimit);
  return { action: options.action, total, done, counts, exceptions };
}
