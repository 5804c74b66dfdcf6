import "server-only";
import { randomUUID } from "node:crypto";
import { fromSqlTime, prepared, toSqlTime } from "../platform/db/sql";
import type { Tx } from "../platform/db/client";
import type { SqlTx } from "../platform/db/transaction";
import { NotFoundError } from "../platform/errors";
import type { FleetOutcome, FleetStatusName } from "../fleet/model";
import { parseGateApprovers, parseRequiredFields, type GateApprover, type NoGoOutcomeName, type RequiredField } from "../plan/model";
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
  fieldValues: string;
  version: number;
}

/** A step run with the step and run facts the rules, permission checks and audit record use. */
export interface LoadedStepRun extends Omit<StepRunRow, "startedAt" | "finishedAt" | "signedOffAt"> {
  startedAt: Date | null;
  finishedAt: Date | null;
  signedOffAt: Date | null;
  step: {
    id: string;
    kind: string;
    title: string;
    assigneeId: string | null;
    predecessorIds: string[];
    isFleet: boolean;
    fleetAction: FleetActionName | null;
    noGoOutcome: NoGoOutcomeName;
    gateApprovers: GateApprover[];
    fourEyes: boolean;
    requiredFields: RequiredField[];
  };
  /** A gate held for a second decision. */
  held: { at: Date; by: string | null; note: string } | null;
  run: { status: RunStatusName; mode: RunModeName; kind: string; startedAt: Date; projectId: string; timezone: string };
}

const STEP_RUN_COLUMNS = `"id", "runId", "stepId", "status", "startedAt", "finishedAt", "startedById", "startedByName", "signedOffById", "signedOffByName", "signedOffAt", "note", "reason", "gateDecision", "decidedById", "decidedByName", "exceptionReason", "fleetOutcome", "fieldValues", "version"`;

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
  const row = prepared<StepRunRow & { stepKind: string; stepTitle: string; stepAssigneeId: string | null; stepPredecessorIds: string; stepIsFleet: number; stepFleetAction: FleetActionName | null; stepNoGoOutcome: NoGoOutcomeName; stepGateApprovers: string; stepFourEyes: number; stepRequiredFields: string; heldAt: string | null; heldByName: string | null; holdNote: string; runStatus: RunStatusName; runMode: RunModeName; runKind: string; runStartedAt: string; projectId: string; timezone: string }>(
    tx.db,
    `SELECT ${STEP_RUN_COLUMNS.replace(/"(\w+)"/g, 'sr."$1"')},
            sr."kind" AS stepKind, sr."title" AS stepTitle, sr."assigneeId" AS stepAssigneeId, sr."predecessorIds" AS stepPredecessorIds, sr."isFleet" AS stepIsFleet, sr."fleetAction" AS stepFleetAction, sr."noGoOutcome" AS stepNoGoOutcome, sr."gateApprovers" AS stepGateApprovers, sr."fourEyes" AS stepFourEyes, sr."requiredFields" AS stepRequiredFields, sr."heldAt", sr."heldByName", sr."holdNote",
            r."status" AS runStatus, r."mode" AS runMode, r."kind" AS runKind, r."startedAt" AS runStartedAt, r."projectId" AS projectId, p."timezone" AS timezone
       FROM "step_run" sr
       JOIN "run" r ON r."id" = sr."runId"
       JOIN "project" p ON p."id" = r."projectId"
      WHERE sr."runId" = ? AND sr."stepId" = ?`,
  ).get(runId, stepId);
  if (!row) throw new NotFoundError("Step in this run");
  const { stepKind, stepTitle, stepAssigneeId, stepPredecessorIds, stepIsFleet, stepFleetAction, stepNoGoOutcome, stepGateApprovers, stepFourEyes, stepRequiredFields, heldAt, heldByName, holdNote, runStatus, runMode, runKind, runStartedAt, projectId, timezone, ...stepRun } = row;
  return {
    ...withDates(stepRun),
    step: { id: stepRun.stepId, kind: stepKind, title: stepTitle, assigneeId: stepAssigneeId, predecessorIds: JSON.parse(stepPredecessorIds) as string[],
      isFleet: stepIsFleet === 1,
      fleetAction: stepFleetAction,
      noGoOutcome: stepNoGoOutcome,
      gateApprovers: parseGateApprovers(stepGateApprovers),
      fourEyes: stepFourEyes === 1,
      requiredFields: parseRequiredFields(stepRequiredFields),
    },
    held: heldAt ? { at: fromSqlTime(heldAt)!, by: heldByName, note: holdNote } : null,
    run: { status: runStatus, mode: runMode, kind: runKind, startedAt: fromSqlTime(runStartedAt)!, projectId, timezone },
  };
}

/** Writes the step run's next state, only if it is still the version that was read; null if not. */
export function updateStepRun(tx: SqlTx, current: LoadedStepRun, next: Omit<LoadedStepRun, "id" | "runId" | "stepId" | "version" | "step" | "run" | "held">) {
  const row = prepared<StepRunRow>(
    tx.db,
    `UPDATE "step_run"
        SET "status" = ?, "startedAt" = ?, "startedById" = ?, "startedByName" = ?, "finishedAt" = ?, "signedOffById" = ?, "signedOffByName" = ?, "signedOffAt" = ?,
            "note" = ?, "reason" = ?, "gateDecision" = ?, "decidedById" = ?, "decidedByName" = ?, "exceptionReason" = ?, "fleetOutcome" = ?, "fieldValues" = ?,
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
    next.fieldValues,
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

export interface GateApprovalRow {
  id: string;
  slot: number | null;
  decision: string;
  userId: string | null;
  userName: string;
  note: string;
  at: string;
}

/** A gate's approvals in a run that still stand (an undone decision revokes them). */
export function listGateApprovals(tx: SqlTx, runId: string, stepId: string): GateApprovalRow[] {
  return prepared<GateApprovalRow>(
    tx.db,
    `SELECT "id", "slot", "decision", "userId", "userName", "note", "at" FROM "gate_approval" WHERE "runId" = ? AND "stepId" = ? AND "revokedAt" IS NULL ORDER BY "at", "id"`,
  ).all(runId, stepId);
}

export function insertGateApproval(tx: SqlTx, row: { runId: string; stepId: string; slot: number | null; decision: "GO" | "NO_GO" | "HOLD"; userId: string; userName: string; note: string; at: Date }): void {
  prepared(tx.db, `INSERT INTO "gate_approval" ("id", "runId", "stepId", "slot", "decision", "userId", "userName", "note", "at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    randomUUID(),
    row.runId,
    row.stepId,
    row.slot,
    row.decision,
    row.userId,
    row.userName,
    row.note,
    toSqlTime(row.at),
  );
}

export function revokeGateApprovals(tx: SqlTx, runId: string, stepId: string, at: Date): void {
  prepared(tx.db, `UPDATE "gate_approval" SET "revokedAt" = ? WHERE "runId" = ? AND "stepId" = ? AND "revokedAt" IS NULL`).run(toSqlTime(at), runId, stepId);
}

/** Who started or signed off the steps a gate gates (its predecessors) in this run: four-eyes excludes them as sole approvers. */
export function gatedStepPeople(tx: SqlTx, runId: string, predecessorIds: readonly string[]): Set<string> {
  if (predecessorIds.length === 0) return new Set();
  const rows = prepared<{ startedById: string | null; signedOffById: string | null }>(
    tx.db,
    `SELECT "startedById", "signedOffById" FROM "step_run" WHERE "runId" = ? AND "stepId" IN (SELECT value FROM json_each(?))`,
  ).all(runId, JSON.stringify(predecessorIds));
  return new Set(rows.flatMap((r) => [r.startedById, r.signedOffById]).filter((id): id is string => id !== null));
}

/** Marks a gate as held (its No-Go means "hold"), conditional on the version read; false if someone changed it first. */
export function holdGate(tx: SqlTx, current: { id: string; version: number }, hold: { at: Date; by: string; note: string }): boolean {
  const { changes } = prepared(tx.db, `UPDATE "step_run" SET "heldAt" = ?, "heldByName" = ?, "holdNote" = ?, "version" = "version" + 1, "updatedAt" = ? WHERE "id" = ? AND "version" = ?`).run(
    toSqlTime(hold.at),
    hold.by,
    hold.note,
    toSqlTime(new Date()),
    current.id,
    current.version,
  );
  return changes === 1;
}

/** An approval that doesn't decide the gate yet still moves its version, so every open page sees it. */
export function touchStepRun(tx: SqlTx, current: { id: string; version: number }): boolean {
  const { changes } = prepared(tx.db, `UPDATE "step_run" SET "version" = "version" + 1, "updatedAt" = ? WHERE "id" = ? AND "version" = ?`).run(toSqlTime(new Date()), current.id, current.version);
  return changes === 1;
}

/** Ends a run as aborted (a No-Go at a gate whose No-Go means abort): the same record as an admin's abort. */
export function abortRunSql(tx: SqlTx, run: { id: string; projectId: string; kind: string }, end: { at: Date; reason: string; byId: string; byName: string }): void {
  prepared(tx.db, `UPDATE "run" SET "status" = 'ABORTED', "endedAt" = ?, "endReason" = ?, "endedById" = ?, "endedByName" = ?, "updatedAt" = ? WHERE "id" = ?`).run(
    toSqlTime(end.at),
    end.reason,
    end.byId,
    end.byName,
    toSqlTime(end.at),
    run.id,
  );
  // A live cutover that was aborted is postponed: the project is back to planning, as after a rehearsal.
  prepared(
    tx.db,
    `UPDATE "project" SET "status" = 'PLANNING', "updatedAt" = ?
      WHERE "id" = ? AND ("status" = 'LIVE' OR ("status" = 'REHEARSAL' AND NOT EXISTS (SELECT 1 FROM "run" WHERE "projectId" = ? AND "status" = 'ACTIVE')))`,
  ).run(toSqlTime(end.at), run.projectId, run.projectId);
}

/**
 * A pending fleet row per client of the project for each of the run's fleet steps, as one
 * INSERT … SELECT inside the caller's Prisma transaction: 5,000 clients cost one statement, not
 * 5,000 rows built in JavaScript (starting a run stays well under half a second).
 */
export async function insertFleetRowsForRun(tx: Tx, options: { runId: string; projectId: string; stepIds: readonly string[]; excludeClientIds?: readonly string[] }): Promise<number> {
  if (options.stepIds.length === 0) return 0;
  const now = toSqlTime(new Date());
  // excludeClientIds: agentless clients, which bp.conf and connectivity steps leave out.
  return tx.$executeRawUnsafe(
    `INSERT INTO "fleet_client_run" ("id", "runId", "stepId", "clientId", "status", "reason", "version", "createdAt", "updatedAt")
     SELECT lower(hex(randomblob(12))), ?, s.value, c."id", 'PENDING', '', 1, ?, ?
       FROM "fleet_client" c, json_each(?) s
      WHERE c."projectId" = ? AND c."id" NOT IN (SELECT "value" FROM json_each(?))`,
    options.runId,
    now,
    now,
    JSON.stringify(options.stepIds),
    options.projectId,
    JSON.stringify(options.excludeClientIds ?? []),
  );
}
