import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "../platform/db/client";
import type { PgTx } from "../platform/db/transaction-postgres";
import { toSqlTime } from "../platform/db/sql";
import { NotFoundError } from "../platform/errors";
import type { FleetOutcome, FleetStatusName } from "../fleet/model";
import { parseGateApprovers, parseRequiredFields, type NoGoOutcomeName } from "../plan/model";
import type { FleetActionName, RunModeName, RunStatusName } from "./model";
import type { GateApprovalRow, LoadedStepRun, RelatedStepState, StepRunRow } from "./store.sqlite";

/*
 * The step-action hot path's SQL on PostgreSQL: ./store.sqlite.ts's functions, one for one, with
 * the same arguments and results, asynchronous (each statement is a round trip) and on a PgTx
 * (lib/platform/db/transaction-postgres.ts). tests/unit/run-store-contract.integration.test.ts
 * runs one suite against both. Statements are named, so each connection prepares them once.
 *
 * What differs from SQLite, and why:
 * - Times are TIMESTAMP(3) values, written as ISO strings and read as Dates (postgres-pool.ts).
 * - Booleans are BOOLEAN, not 0/1; counts come back as bigint, so they are cast to int.
 * - Lists go in as text[] (`= ANY($n)`) where SQLite used json_each over a JSON string.
 * - Enum columns are compared as text when matched against a list parameter.
 * - Conditional updates (`WHERE "version" = $n`) are what make two writers safe here: there is no
 *   single writer as on SQLite. A second transaction's UPDATE waits for the first one's row lock,
 *   then re-checks the WHERE against the committed row and matches nothing: the same "someone
 *   else changed it first" as on SQLite.
 */

/** A step_run row as node-postgres returns it: StepRunRow with its times as Dates. */
type StepRunDbRow = Omit<StepRunRow, "startedAt" | "finishedAt" | "signedOffAt"> & { startedAt: Date | null; finishedAt: Date | null; signedOffAt: Date | null };

const STEP_RUN_COLUMNS = `"id", "runId", "stepId", "status", "startedAt", "finishedAt", "startedById", "startedByName", "signedOffById", "signedOffByName", "signedOffAt", "note", "reason", "gateDecision", "decidedById", "decidedByName", "exceptionReason", "fleetOutcome", "fieldValues", "version"`;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export async function loadStepRun(tx: PgTx, runId: string, stepId: string): Promise<LoadedStepRun> {
  const result = await tx.client.query<
    StepRunDbRow & {
      stepKind: string;
      stepTitle: string;
      stepAssigneeId: string | null;
      stepPredecessorIds: string;
      stepIsFleet: boolean;
      stepFleetAction: FleetActionName | null;
      stepNoGoOutcome: NoGoOutcomeName;
      stepGateApprovers: string;
      stepFourEyes: boolean;
      stepRequiredFields: string;
      heldAt: Date | null;
      heldByName: string | null;
      holdNote: string;
      runStatus: RunStatusName;
      runMode: RunModeName;
      runKind: string;
      runStartedAt: Date;
      projectId: string;
      timezone: string;
    }
  >({
    name: "runs-load-step-run",
    text: `SELECT ${STEP_RUN_COLUMNS.replace(/"(\w+)"/g, 'sr."$1"')},
            sr."kind" AS "stepKind", sr."title" AS "stepTitle", sr."assigneeId" AS "stepAssigneeId", sr."predecessorIds" AS "stepPredecessorIds", sr."isFleet" AS "stepIsFleet", sr."fleetAction" AS "stepFleetAction", sr."noGoOutcome" AS "stepNoGoOutcome", sr."gateApprovers" AS "stepGateApprovers", sr."fourEyes" AS "stepFourEyes", sr."requiredFields" AS "stepRequiredFields", sr."heldAt", sr."heldByName", sr."holdNote",
            r."status" AS "runStatus", r."mode" AS "runMode", r."kind" AS "runKind", r."startedAt" AS "runStartedAt", r."projectId" AS "projectId", p."timezone" AS "timezone"
       FROM "step_run" sr
       JOIN "run" r ON r."id" = sr."runId"
       JOIN "project" p ON p."id" = r."projectId"
      WHERE sr."runId" = $1 AND sr."stepId" = $2`,
    values: [runId, stepId],
  });
  const row = result.rows[0];
  if (!row) throw new NotFoundError("Step in this run");
  const { stepKind, stepTitle, stepAssigneeId, stepPredecessorIds, stepIsFleet, stepFleetAction, stepNoGoOutcome, stepGateApprovers, stepFourEyes, stepRequiredFields, heldAt, heldByName, holdNote, runStatus, runMode, runKind, runStartedAt, projectId, timezone, ...stepRun } = row;
  return {
    ...stepRun,
    step: {
      id: stepRun.stepId,
      kind: stepKind,
      title: stepTitle,
      assigneeId: stepAssigneeId,
      predecessorIds: JSON.parse(stepPredecessorIds) as string[],
      isFleet: stepIsFleet,
      fleetAction: stepFleetAction,
      noGoOutcome: stepNoGoOutcome,
      gateApprovers: parseGateApprovers(stepGateApprovers),
      fourEyes: stepFourEyes,
      requiredFields: parseRequiredFields(stepRequiredFields),
    },
    held: heldAt ? { at: heldAt, by: heldByName, note: holdNote } : null,
    run: { status: runStatus, mode: runMode, kind: runKind, startedAt: runStartedAt, projectId, timezone },
  };
}

/** Writes the step run's next state, only if it is still the version that was read; null if not. */
export async function updateStepRun(tx: PgTx, current: LoadedStepRun, next: Omit<LoadedStepRun, "id" | "runId" | "stepId" | "version" | "step" | "run" | "held">): Promise<StepRunDbRow | null> {
  const result = await tx.client.query<StepRunDbRow>({
    name: "runs-update-step-run",
    text: `UPDATE "step_run"
        SET "status" = $1, "startedAt" = $2, "startedById" = $3, "startedByName" = $4, "finishedAt" = $5, "signedOffById" = $6, "signedOffByName" = $7, "signedOffAt" = $8,
            "note" = $9, "reason" = $10, "gateDecision" = $11, "decidedById" = $12, "decidedByName" = $13, "exceptionReason" = $14, "fleetOutcome" = $15, "fieldValues" = $16,
            "version" = "version" + 1, "updatedAt" = $17
      WHERE "id" = $18 AND "version" = $19 AND "status" = $20
  RETURNING ${STEP_RUN_COLUMNS}`,
    values: [
      next.status,
      iso(next.startedAt),
      next.startedById,
      next.startedByName,
      iso(next.finishedAt),
      next.signedOffById,
      next.signedOffByName,
      iso(next.signedOffAt),
      next.note,
      next.reason,
      next.gateDecision,
      next.decidedById,
      next.decidedByName,
      next.exceptionReason,
      next.fleetOutcome,
      next.fieldValues,
      new Date().toISOString(),
      current.id,
      current.version,
      current.status,
    ],
  });
  return result.rows[0] ?? null;
}

/** What the blocked-step rule looks at: this step's predecessors with their states, or the run's rollback steps. */
export async function loadBlockingSteps(tx: PgTx, stepRun: LoadedStepRun): Promise<{ predecessorIds: string[]; related: RelatedStepState[] }> {
  const predecessorIds = stepRun.step.predecessorIds;
  const columns = `sr."status", sr."stepId" AS "id", sr."title", sr."kind", sr."position", ph."position" AS "phasePosition"
       FROM "step_run" sr JOIN "run_phase" ph ON ph."id" = sr."runPhaseId"`;
  const result =
    stepRun.step.kind === "ROLLBACK"
      ? await tx.client.query<RelatedStepState>({ name: "runs-blocking-rollback", text: `SELECT ${columns} WHERE sr."runId" = $1 AND sr."kind" = 'ROLLBACK'`, values: [stepRun.runId] })
      : await tx.client.query<RelatedStepState>({
          name: "runs-blocking-predecessors",
          text: `SELECT ${columns} WHERE sr."runId" = $1 AND (sr."id" = $2 OR sr."stepId" = ANY($3::text[]))`,
          values: [stepRun.runId, stepRun.id, predecessorIds],
        });
  return { predecessorIds, related: result.rows };
}

/** The run as settleRunOutcome sees it, with how many steps of its current scope are not finished. */
export async function loadRunProgress(tx: PgTx, runId: string) {
  const runs = await tx.client.query<{ id: string; projectId: string; kind: string; status: RunStatusName; mode: RunModeName }>({
    name: "runs-progress-run",
    text: `SELECT "id", "projectId", "kind", "status", "mode" FROM "run" WHERE "id" = $1`,
    values: [runId],
  });
  const run = runs.rows[0];
  if (!run) return null;
  const counts = await tx.client.query<{ total: number; open: number }>({
    name: "runs-progress-counts",
    text: `SELECT count(*)::int AS "total", (count(*) FILTER (WHERE sr."status" NOT IN ('DONE', 'SKIPPED')))::int AS "open"
       FROM "step_run" sr
      WHERE sr."runId" = $1 AND (sr."kind" = 'ROLLBACK') = $2`,
    values: [run.id, run.mode === "ROLLBACK"],
  });
  return { run, inScope: counts.rows[0].total, unfinished: counts.rows[0].open };
}

export async function endRun(tx: PgTx, run: { id: string; projectId: string; kind: string }, outcome: RunStatusName, endedAt: Date): Promise<void> {
  const at = endedAt.toISOString();
  await tx.client.query({ name: "runs-end-run", text: `UPDATE "run" SET "status" = $1, "endedAt" = $2, "updatedAt" = $2 WHERE "id" = $3`, values: [outcome, at, run.id] });
  if (run.kind === "LIVE") {
    await tx.client.query({
      name: "runs-end-live-project",
      text: `UPDATE "project" SET "status" = $1, "updatedAt" = $2 WHERE "id" = $3`,
      values: [outcome === "ROLLED_BACK" ? "ROLLED_BACK" : "COMPLETED", at, run.projectId],
    });
  } else {
    // The last active rehearsal is over: a project still shown as "Rehearsal" is back to planning.
    await tx.client.query({
      name: "runs-end-rehearsal-project",
      text: `UPDATE "project" SET "status" = 'PLANNING', "updatedAt" = $1
        WHERE "id" = $2 AND "status" = 'REHEARSAL' AND NOT EXISTS (SELECT 1 FROM "run" WHERE "projectId" = $2 AND "status" = 'ACTIVE')`,
      values: [at, run.projectId],
    });
  }
}

export async function switchRunToRollback(tx: PgTx, runId: string): Promise<void> {
  await tx.client.query({ name: "runs-switch-rollback", text: `UPDATE "run" SET "mode" = 'ROLLBACK', "updatedAt" = $1 WHERE "id" = $2`, values: [new Date().toISOString(), runId] });
}

/** A fleet step's clients in this run, for its sign-off: counts by status and the ones not done. */
export async function loadFleetOutcome(tx: PgTx, options: { runId: string; stepId: string; action: FleetActionName; doneStatuses: readonly FleetStatusName[]; listLimit: number }): Promise<FleetOutcome> {
  const counts: Record<FleetStatusName, number> = { PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0 };
  const byStatus = await tx.client.query<{ status: FleetStatusName; n: number }>({
    name: "runs-fleet-counts",
    text: `SELECT "status", count(*)::int AS "n" FROM "fleet_client_run" WHERE "runId" = $1 AND "stepId" = $2 GROUP BY "status"`,
    values: [options.runId, options.stepId],
  });
  for (const row of byStatus.rows) counts[row.status] = row.n;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = options.doneStatuses.reduce((sum, status) => sum + counts[status], 0);
  const exceptions = await tx.client.query<{ hostname: string; status: FleetStatusName }>({
    name: "runs-fleet-exceptions",
    text: `SELECT c."hostname", f."status" FROM "fleet_client_run" f JOIN "fleet_client" c ON c."id" = f."clientId"
      WHERE f."runId" = $1 AND f."stepId" = $2 AND NOT (f."status"::text = ANY($3::text[]))
      ORDER BY f."status" = 'FAILED' DESC, c."hostname" LIMIT $4`,
    values: [options.runId, options.stepId, [...options.doneStatuses], options.listLimit],
  });
  return { action: options.action, total, done, counts, exceptions: exceptions.rows };
}

/** A gate's approvals in a run that still stand (an undone decision revokes them). */
export async function listGateApprovals(tx: PgTx, runId: string, stepId: string): Promise<GateApprovalRow[]> {
  const result = await tx.client.query<Omit<GateApprovalRow, "at"> & { at: Date }>({
    name: "runs-gate-approvals",
    text: `SELECT "id", "slot", "decision", "userId", "userName", "note", "at" FROM "gate_approval" WHERE "runId" = $1 AND "stepId" = $2 AND "revokedAt" IS NULL ORDER BY "at", "id"`,
    values: [runId, stepId],
  });
  // The same text as SQLite's column holds, so callers see one format.
  return result.rows.map((row) => ({ ...row, at: toSqlTime(row.at) }));
}

export async function insertGateApproval(tx: PgTx, row: { runId: string; stepId: string; slot: number | null; decision: "GO" | "NO_GO" | "HOLD"; userId: string; userName: string; note: string; at: Date }): Promise<void> {
  await tx.client.query({
    name: "runs-insert-gate-approval",
    text: `INSERT INTO "gate_approval" ("id", "runId", "stepId", "slot", "decision", "userId", "userName", "note", "at") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    values: [randomUUID(), row.runId, row.stepId, row.slot, row.decision, row.userId, row.userName, row.note, row.at.toISOString()],
  });
}

export async function revokeGateApprovals(tx: PgTx, runId: string, stepId: string, at: Date): Promise<void> {
  await tx.client.query({ name: "runs-revoke-gate-approvals", text: `UPDATE "gate_approval" SET "revokedAt" = $1 WHERE "runId" = $2 AND "stepId" = $3 AND "revokedAt" IS NULL`, values: [at.toISOString(), runId, stepId] });
}

/** Who started or signed off the steps a gate gates (its predecessors) in this run: four-eyes excludes them as sole approvers. */
export async function gatedStepPeople(tx: PgTx, runId: string, predecessorIds: readonly string[]): Promise<Set<string>> {
  if (predecessorIds.length === 0) return new Set();
  const result = await tx.client.query<{ startedById: string | null; signedOffById: string | null }>({
    name: "runs-gated-step-people",
    text: `SELECT "startedById", "signedOffById" FROM "step_run" WHERE "runId" = $1 AND "stepId" = ANY($2::text[])`,
    values: [runId, [...predecessorIds]],
  });
  return new Set(result.rows.flatMap((r) => [r.startedById, r.signedOffById]).filter((id): id is string => id !== null));
}

/** Marks a gate as held, conditional on the version read; false if someone changed it first. */
export async function holdGate(tx: PgTx, current: { id: string; version: number }, hold: { at: Date; by: string; note: string }): Promise<boolean> {
  const result = await tx.client.query({
    name: "runs-hold-gate",
    text: `UPDATE "step_run" SET "heldAt" = $1, "heldByName" = $2, "holdNote" = $3, "version" = "version" + 1, "updatedAt" = $4 WHERE "id" = $5 AND "version" = $6`,
    values: [hold.at.toISOString(), hold.by, hold.note, new Date().toISOString(), current.id, current.version],
  });
  return result.rowCount === 1;
}

/** An approval that doesn't decide the gate yet still moves its version, so every open page sees it. */
export async function touchStepRun(tx: PgTx, current: { id: string; version: number }): Promise<boolean> {
  const result = await tx.client.query({
    name: "runs-touch-step-run",
    text: `UPDATE "step_run" SET "version" = "version" + 1, "updatedAt" = $1 WHERE "id" = $2 AND "version" = $3`,
    values: [new Date().toISOString(), current.id, current.version],
  });
  return result.rowCount === 1;
}

/** Ends a run as aborted (a No-Go at a gate whose No-Go means abort): the same record as an admin's abort. */
export async function abortRun(tx: PgTx, run: { id: string; projectId: string; kind: string }, end: { at: Date; reason: string; byId: string; byName: string }): Promise<void> {
  const at = end.at.toISOString();
  await tx.client.query({
    name: "runs-abort-run",
    text: `UPDATE "run" SET "status" = 'ABORTED', "endedAt" = $1, "endReason" = $2, "endedById" = $3, "endedByName" = $4, "updatedAt" = $1 WHERE "id" = $5`,
    values: [at, end.reason, end.byId, end.byName, run.id],
  });
  // A live cutover that was aborted is postponed: the project is back to planning, as after a rehearsal.
  await tx.client.query({
    name: "runs-abort-project",
    text: `UPDATE "project" SET "status" = 'PLANNING', "updatedAt" = $1
      WHERE "id" = $2 AND ("status" = 'LIVE' OR ("status" = 'REHEARSAL' AND NOT EXISTS (SELECT 1 FROM "run" WHERE "projectId" = $2 AND "status" = 'ACTIVE')))`,
    values: [at, run.projectId],
  });
}

/**
 * insertFleetRowsForRun on PostgreSQL (inside the PostgreSQL client's Prisma transaction): a
 * pending fleet row per client of the project for each of the run's fleet steps, one statement.
 * Ids are 24 hex characters, as SQLite's randomblob(12) gives.
 */
export async function insertFleetRowsForRun(tx: Tx, options: { runId: string; projectId: string; stepIds: readonly string[]; excludeClientIds?: readonly string[] }): Promise<number> {
  if (options.stepIds.length === 0) return 0;
  const now = new Date().toISOString();
  return tx.$executeRawUnsafe(
    `INSERT INTO "fleet_client_run" ("id", "runId", "stepId", "clientId", "status", "reason", "version", "createdAt", "updatedAt")
     SELECT left(replace(gen_random_uuid()::text, '-', ''), 24), $1, s.step_id, c."id", 'PENDING', '', 1, $2::timestamp, $2::timestamp
       FROM "fleet_client" c, unnest($3::text[]) AS s(step_id)
      WHERE c."projectId" = $4 AND c."id" <> ALL($5::text[])`,
    options.runId,
    now,
    [...options.stepIds],
    options.projectId,
    [...(options.excludeClientIds ?? [])],
  );
}
