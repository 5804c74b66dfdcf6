import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "../platform/db/client";
import type { PgTx } from "../platform/db/transaction-postgres";
import { toSqlTime } from "../platform/db/sql";
import { NotFoundError } from "../platform/errors";
import type { FleetOutcome, FleetStatusName } from "../fleet/model";
import { parseGateApprovers, parseRequiredFields, type NoGoOutcomeName } from "../plan/model";
import type { FleetActionName, RunModeName, RunStatusName } from "./model";
import type { ProjectAccessRow } from "../projects/store.sqlite";
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
  return (await loadStepRunForAction(tx, runId, stepId, null)).stepRun;
}

/** What a step action reads right after its step run, fetched with it (loadStepRunForAction). */
export interface StepActionPrefetch {
  /** The actor's project access row (lib/projects/store.postgres.ts readProjectAccess). */
  access: ProjectAccessRow;
  /** loadBlockingSteps' answer for this step run. */
  blocking: { predecessorIds: string[]; related: RelatedStepState[] };
}

/**
 * loadStepRun, and with `actorId` in the same round trip what a step action asks for next on
 * almost every request: the actor's project access and the steps the blocked-step rule looks at
 * (the same rows as loadBlockingSteps). Two round trips fewer per sign-off; the reads are the
 * same, in one statement's snapshot instead of three.
 */
export async function loadStepRunForAction(tx: PgTx, runId: string, stepId: string, actorId: string | null): Promise<{ stepRun: LoadedStepRun; prefetch: StepActionPrefetch | null }> {
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
      accessVisibility: string | null;
      accessMemberRole: string | null;
      blocking: RelatedStepState[] | null;
    }
  >({
    name: "runs-load-step-run-for-action",
    text: `SELECT ${STEP_RUN_COLUMNS.replace(/"(\w+)"/g, 'sr."$1"')},
            sr."kind" AS "stepKind", sr."title" AS "stepTitle", sr."assigneeId" AS "stepAssigneeId", sr."predecessorIds" AS "stepPredecessorIds", sr."isFleet" AS "stepIsFleet", sr."fleetAction" AS "stepFleetAction", sr."noGoOutcome" AS "stepNoGoOutcome", sr."gateApprovers" AS "stepGateApprovers", sr."fourEyes" AS "stepFourEyes", sr."requiredFields" AS "stepRequiredFields", sr."heldAt", sr."heldByName", sr."holdNote",
            r."status" AS "runStatus", r."mode" AS "runMode", r."kind" AS "runKind", r."startedAt" AS "runStartedAt", r."projectId" AS "projectId", p."timezone" AS "timezone",
            CASE WHEN $3::text IS NOT NULL THEN (SELECT "value" FROM "setting" WHERE "key" = 'projectVisibility') END AS "accessVisibility",
            CASE WHEN $3::text IS NOT NULL THEN (SELECT "role"::text FROM "project_member" WHERE "projectId" = r."projectId" AND "userId" = $3) END AS "accessMemberRole",
            CASE WHEN $3::text IS NOT NULL THEN (
              SELECT coalesce(json_agg(json_build_object('status', b."status", 'id', b."stepId", 'title', b."title", 'kind', b."kind", 'position', b."position", 'phasePosition', ph."position")), '[]'::json)
                FROM "step_run" b JOIN "run_phase" ph ON ph."id" = b."runPhaseId"
               WHERE b."runId" = sr."runId"
                 AND CASE WHEN sr."kind" = 'ROLLBACK' THEN b."kind" = 'ROLLBACK'
                          ELSE b."id" = sr."id" OR b."stepId" IN (SELECT jsonb_array_elements_text(sr."predecessorIds"::jsonb)) END
            ) END AS "blocking"
       FROM "step_run" sr
       JOIN "run" r ON r."id" = sr."runId"
       JOIN "project" p ON p."id" = r."projectId"
      WHERE sr."runId" = $1 AND sr."stepId" = $2`,
    values: [runId, stepId, actorId],
  });
  const row = result.rows[0];
  if (!row) throw new NotFoundError("Step in this run");
  const { stepKind, stepTitle, stepAssigneeId, stepPredecessorIds, stepIsFleet, stepFleetAction, stepNoGoOutcome, stepGateApprovers, stepFourEyes, stepRequiredFields, heldAt, heldByName, holdNote, runStatus, runMode, runKind, runStartedAt, projectId, timezone, accessVisibility, accessMemberRole, blocking, ...stepRun } = row;
  const predecessorIds = JSON.parse(stepPredecessorIds) as string[];
  const prefetch =
    actorId === null
      ? null
      : { access: { visibility: accessVisibility, memberRole: accessMemberRole as ProjectAccessRow["memberRole"] }, blocking: { predecessorIds, related: blocking ?? [] } };
  return { prefetch, stepRun: {
    ...stepRun,
    step: {
      id: stepRun.stepId,
      kind: stepKind,
      title: stepTitle,
      assigneeId: stepAssigneeId,
      predecessorIds,
      isFleet: stepIsFleet,
      fleetAction: stepFleetAction,
      noGoOutcome: stepNoGoOutcome,
      gateApprovers: parseGateApprovers(stepGateApprovers),
      fourEyes: stepFourEyes,
      requiredFields: parseRequiredFields(stepRequiredFields),
    },
    held: heldAt ? { at: heldAt, by: heldByName, note: holdNote } : null,
    run: { status: runStatus, mode: runMode, kind: runKind, startedAt: runStartedAt, projectId, timezone },
  } };
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

/** The run as settleRunOutcome sees it, with how many steps of its current scope are not finished (one round trip). */
export async function loadRunProgress(tx: PgTx, runId: string) {
  const result = await tx.client.query<{ id: string; projectId: string; kind: string; status: RunStatusName; mode: RunModeName; total: number; open: number }>({
    name: "runs-progress",
    text: `SELECT r."id", r."projectId", r."kind", r."status", r."mode", c."total", c."open"
       FROM "run" r
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS "total", (count(*) FILTER (WHERE sr."status" NOT IN ('DONE', 'SKIPPED')))::int AS "open"
           FROM "step_run" sr
          WHERE sr."runId" = r."id" AND (sr."kind" = 'ROLLBACK') = (r."mode" = 'ROLLBACK')
       ) c
      WHERE r."id" = $1`,
    values: [runId],
  });
  const row = result.rows[0];
  if (!row) return null;
  const { total, open, ...run } = row;
  return { run, inScope: total, unfinished: open };
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
