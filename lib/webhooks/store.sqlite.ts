import "server-only";
import { prepared, toSqlTime } from "../platform/db/sql";
import { sqlite } from "../platform/db/client";
import type { SqlTx } from "../platform/db/transaction";
import { appendAuditEventSql } from "../audit/service";

/**
 * The dispatcher's SQL: it runs every second in the server process, next to sign-offs, so it uses
 * prepared statements on the direct connection and keeps each write transaction to a few rows.
 */

export interface ActiveEndpointRow {
  id: string;
  projectId: string;
  cursorSeq: number;
  events: string;
  preset: string;
}

/** The one query a tick makes when nothing is configured (indexed by nothing: the table is tiny). */
export function listActiveEndpointsSql(): ActiveEndpointRow[] {
  return prepared<ActiveEndpointRow>(sqlite(), `SELECT "id", "projectId", "cursorSeq", "events", "preset" FROM "webhook_endpoint" WHERE "enabled" = 1`).all();
}

export interface AuditRowForWebhook {
  seq: number;
  at: string;
  actorName: string;
  runId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  after: string;
}

/** The project's committed audit events after `afterSeq`, oldest first (index audit_event(projectId, seq)). */
export function readAuditAfterSql(options: { projectId: string; afterSeq: number; limit: number }): AuditRowForWebhook[] {
  return prepared<AuditRowForWebhook>(
    sqlite(),
    `SELECT "seq", "at", "actorName", "runId", "action", "entityType", "entityId", "after" FROM "audit_event" WHERE "projectId" = ? AND "seq" > ? ORDER BY "seq" LIMIT ?`,
  ).all(options.projectId, options.afterSeq, options.limit);
}

export interface NewDelivery {
  id: string;
  auditSeq: number | null;
  eventType: string;
  payload: string;
}

/**
 * Moves the endpoint's cursor from `fromSeq` to `toSeq` and writes the deliveries for the events in
 * between, in the caller's one transaction: a crash before the commit leaves both as they were (the
 * events are read again), after it both are there (nothing is read twice). The cursor moves only
 * if nobody moved it since it was read (another process, or this one's previous tick); then
 * nothing is written and false is returned. UNIQUE(endpointId, auditSeq) is the second lock.
 */
export function commitOutboxBatchSql(tx: SqlTx, options: { endpointId: string; fromSeq: number; toSeq: number; deliveries: NewDelivery[]; now: Date }): boolean {
  const moved = prepared(tx.db, `UPDATE "webhook_endpoint" SET "cursorSeq" = ? WHERE "id" = ? AND "cursorSeq" = ? AND "enabled" = 1`).run(options.toSeq, options.endpointId, options.fromSeq);
  if (moved.changes !== 1) return false;
  const insert = prepared(
    tx.db,
    `INSERT OR IGNORE INTO "webhook_delivery" ("id", "endpointId", "auditSeq", "eventType", "payload", "status", "attempts", "nextAttemptAt", "lastError", "createdAt")
     VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, '', ?)`,
  );
  const at = toSqlTime(options.now);
  for (const d of options.deliveries) insert.run(d.id, options.endpointId, d.auditSeq, d.eventType, d.payload, at, at);
  return true;
}

export interface DueDeliveryRow {
  id: string;
  endpointId: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
  allowPrivateNetwork: number;
}

/**
 * Takes up to `limit` due deliveries of enabled endpoints and leases them until `leaseUntil` (their
 * nextAttemptAt moves there), in one short transaction: another process, or this one after a
 * crash, sends a leased delivery again only once the lease has run out. A receiver may thus see a
 * message twice, never lose one; it drops the duplicate by its webhook-id.
 */
export function claimDueDeliveriesSql(tx: SqlTx, options: { now: Date; leaseUntil: Date; limit: number }): DueDeliveryRow[] {
  const rows = prepared<DueDeliveryRow>(
    tx.db,
    `SELECT d."id", d."endpointId", d."payload", d."attempts", e."url", e."secret", e."allowPrivateNetwork"
     FROM "webhook_delivery" d JOIN "webhook_endpoint" e ON e."id" = d."endpointId"
     WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= ? AND e."enabled" = 1
     ORDER BY d."nextAttemptAt" LIMIT ?`,
  ).all(toSqlTime(options.now), options.limit);
  const lease = prepared(tx.db, `UPDATE "webhook_delivery" SET "nextAttemptAt" = ? WHERE "id" = ?`);
  for (const row of rows) lease.run(toSqlTime(options.leaseUntil), row.id);
  return rows;
}

/** Whether any delivery is pending at all (to sleep longer when none is). */
export function nextDueAtSql(): string | null {
  return (
    prepared<{ at: string | null }>(
      sqlite(),
      `SELECT min(d."nextAttemptAt") AS "at" FROM "webhook_delivery" d JOIN "webhook_endpoint" e ON e."id" = d."endpointId" WHERE d."status" = 'PENDING' AND e."enabled" = 1`,
    ).get()?.at ?? null
  );
}

export interface AttemptOutcome {
  deliveryId: string;
  endpointId: string;
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string;
  responseExcerpt: string;
  delivered: boolean;
  /** When to try again; null: no more tries (delivered, or the schedule is used up). */
  nextAttemptAt: Date | null;
  attemptId: string;
}

/**
 * Records one attempt and its consequence: delivered, retried later, or failed for good. A
 * delivery that failed for good counts against its endpoint; `disableAfter` of them in a row
 * disable it (with the notice and an audit event); any success resets the count. Returns whether
 * this attempt disabled the endpoint.
 */
export function recordAttemptSql(tx: SqlTx, outcome: AttemptOutcome, options: { disableAfter: number; notice: (failures: number) => string }): { disabled: boolean } {
  const status = outcome.delivered ? "DELIVERED" : outcome.nextAttemptAt ? "PENDING" : "FAILED";
  const updated = prepared(
    tx.db,
    `UPDATE "webhook_delivery" SET "status" = ?, "attempts" = "attempts" + 1, "nextAttemptAt" = ?, "lastStatus" = ?, "lastError" = ?, "deliveredAt" = ?
     WHERE "id" = ? AND "status" = 'PENDING'`,
  ).run(status, toSqlTime(outcome.nextAttemptAt), outcome.statusCode, outcome.error, outcome.delivered ? toSqlTime(outcome.at) : null, outcome.deliveryId);
  // Deleted meanwhile (the endpoint was removed) or already settled by a duplicate send: nothing more.
  if (updated.changes !== 1) return { disabled: false };
  prepared(tx.db, `INSERT INTO "webhook_attempt" ("id", "deliveryId", "at", "statusCode", "durationMs", "error", "responseExcerpt") VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    outcome.attemptId,
    outcome.deliveryId,
    toSqlTime(outcome.at),
    outcome.statusCode,
    outcome.durationMs,
    outcome.error,
    outcome.responseExcerpt,
  );
  if (outcome.delivered) {
    prepared(tx.db, `UPDATE "webhook_endpoint" SET "consecutiveFailures" = 0 WHERE "id" = ? AND "consecutiveFailures" <> 0`).run(outcome.endpointId);
    return { disabled: false };
  }
  if (status !== "FAILED") return { disabled: false };
  const endpoint = prepared<{ projectId: string; name: string; url: string; consecutiveFailures: number; enabled: number }>(
    tx.db,
    `UPDATE "webhook_endpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1 WHERE "id" = ? RETURNING "projectId", "name", "url", "consecutiveFailures", "enabled"`,
  ).get(outcome.endpointId);
  if (!endpoint || !endpoint.enabled || endpoint.consecutiveFailures < options.disableAfter) return { disabled: false };
  const reason = options.notice(endpoint.consecutiveFailures);
  prepared(tx.db, `UPDATE "webhook_endpoint" SET "enabled" = 0, "disabledAt" = ?, "disabledReason" = ?, "updatedAt" = ? WHERE "id" = ?`).run(
    toSqlTime(outcome.at),
    reason,
    toSqlTime(outcome.at),
    outcome.endpointId,
  );
  appendAuditEventSql(tx, {
    actor: null,
    projectId: endpoint.projectId,
    action: "webhook.endpoint_disabled",
    entityType: "webhook_endpoint",
    entityId: outcome.endpointId,
    before: { enabled: true },
    after: { enabled: false, name: endpoint.name, url: endpoint.url, failedDeliveriesInARow: endpoint.consecutiveFailures, reason },
  });
  return { disabled: true };
}

/** The plan step an audit event is about, when its entity is a step of a run (or a fleet row of one). */
export function stepIdOfEntitySql(entityType: string, entityId: string): string | null {
  if (entityType === "step_run") return prepared<{ stepId: string }>(sqlite(), `SELECT "stepId" FROM "step_run" WHERE "id" = ?`).get(entityId)?.stepId ?? null;
  if (entityType === "fleet_client_run") return prepared<{ stepId: string }>(sqlite(), `SELECT "stepId" FROM "fleet_client_run" WHERE "id" = ?`).get(entityId)?.stepId ?? null;
  if (entityType === "fleet_step" || entityType === "step") return entityId;
  return null;
}

export interface ProjectRowForWebhook {
  id: string;
  name: string;
  timezone: string;
}

export function readProjectSql(projectId: string): ProjectRowForWebhook | null {
  return prepared<ProjectRowForWebhook>(sqlite(), `SELECT "id", "name", "timezone" FROM "project" WHERE "id" = ?`).get(projectId) ?? null;
}

export interface RunRowForWebhook {
  id: string;
  name: string;
  kind: string;
  status: string;
  mode: string;
  windowStart: string;
  windowEnd: string;
}

export interface StepRowForWebhook {
  id: string;
  title: string;
  kind: string;
  plannedMinutes: number;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  predecessorIds: string;
  predecessorLags: string;
  notBefore: string;
  inWindow: number;
}

/**
 * A run and its steps in plan order, as much as an event needs (numbers, the forecast): two
 * prepared statements, a fraction of what the run page's board costs, since the dispatcher reads
 * it next to sign-offs.
 */
export function readRunForWebhookSql(runId: string): { run: RunRowForWebhook; steps: StepRowForWebhook[] } | null {
  const db = sqlite();
  const run = prepared<RunRowForWebhook>(db, `SELECT "id", "name", "kind", "status", "mode", "windowStart", "windowEnd" FROM "run" WHERE "id" = ?`).get(runId);
  if (!run) return null;
  const steps = prepared<StepRowForWebhook>(
    db,
    `SELECT sr."stepId" AS "id", sr."title", sr."kind", sr."plannedMinutes", sr."status", sr."startedAt", sr."finishedAt", sr."predecessorIds", sr."predecessorLags", sr."notBefore", rp."inWindow"
     FROM "step_run" sr JOIN "run_phase" rp ON rp."id" = sr."runPhaseId"
     WHERE sr."runId" = ? ORDER BY rp."position", sr."position"`,
  ).all(runId);
  return { run, steps };
}
