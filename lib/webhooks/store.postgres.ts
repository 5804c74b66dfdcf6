import "server-only";
import type pg from "pg";
import { toSqlTime } from "../platform/db/sql";
import type { PgTx } from "../platform/db/transaction-postgres";
import { appendAuditEventPg } from "../audit/service";
import type {
  ActiveEndpointRow,
  AttemptOutcome,
  AuditRowForWebhook,
  DueDeliveryRow,
  NewDelivery,
  ProjectRowForWebhook,
  RunRowForWebhook,
  StepRowForWebhook,
} from "./store.sqlite";

/*
 * ./store.sqlite.ts on PostgreSQL: the same rows in the same shapes (times as SQLite's text,
 * flags as 0/1), so the dispatcher reads one format (tests/unit/webhook-store-contract.integration.test.ts).
 *
 * Several instances run a dispatcher each. The outbox stays exactly-once per event because the
 * cursor moves by compare-and-set and (endpointId, auditSeq) is unique, and it follows the audit
 * log by seq, which is commit order on PostgreSQL thanks to the chain lock (lib/audit/store.postgres.ts).
 * Claims take rows FOR UPDATE SKIP LOCKED, so two dispatchers claiming at once split the due
 * deliveries between them instead of both leasing the same ones.
 */

type Queryable = Pick<pg.Pool, "query">;
const text = (date: Date | null) => (date === null ? null : toSqlTime(date));

export async function listActiveEndpoints(db: Queryable): Promise<ActiveEndpointRow[]> {
  const result = await db.query<ActiveEndpointRow>({ name: "webhooks-active-endpoints", text: `SELECT "id", "projectId", "cursorSeq", "events", "preset" FROM "webhook_endpoint" WHERE "enabled"` });
  return result.rows;
}

/** The project's committed audit events after `afterSeq`, oldest first. */
export async function readAuditAfter(db: Queryable, options: { projectId: string; afterSeq: number; limit: number }): Promise<AuditRowForWebhook[]> {
  const result = await db.query<Omit<AuditRowForWebhook, "at"> & { at: Date }>({
    name: "webhooks-audit-after",
    text: `SELECT "seq", "at", "actorName", "runId", "action", "entityType", "entityId", "after" FROM "audit_event" WHERE "projectId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`,
    values: [options.projectId, options.afterSeq, options.limit],
  });
  return result.rows.map((row) => ({ ...row, at: toSqlTime(row.at) }));
}

/** Moves the endpoint's cursor from `fromSeq` to `toSeq` and writes the deliveries in between, or nothing if someone moved it first. */
export async function commitOutboxBatch(tx: PgTx, options: { endpointId: string; fromSeq: number; toSeq: number; deliveries: NewDelivery[]; now: Date }): Promise<boolean> {
  const moved = await tx.client.query({
    name: "webhooks-move-cursor",
    text: `UPDATE "webhook_endpoint" SET "cursorSeq" = $1 WHERE "id" = $2 AND "cursorSeq" = $3 AND "enabled"`,
    values: [options.toSeq, options.endpointId, options.fromSeq],
  });
  if (moved.rowCount !== 1) return false;
  const at = options.now.toISOString();
  for (const d of options.deliveries) {
    await tx.client.query({
      name: "webhooks-insert-delivery",
      text: `INSERT INTO "webhook_delivery" ("id", "endpointId", "auditSeq", "eventType", "payload", "status", "attempts", "nextAttemptAt", "lastError", "createdAt")
             VALUES ($1, $2, $3, $4, $5, 'PENDING', 0, $6, '', $6) ON CONFLICT DO NOTHING`,
      values: [d.id, options.endpointId, d.auditSeq, d.eventType, d.payload, at],
    });
  }
  return true;
}

/** Takes up to `limit` due deliveries of enabled endpoints and leases them until `leaseUntil`, skipping rows another dispatcher is claiming. */
export async function claimDueDeliveries(tx: PgTx, options: { now: Date; leaseUntil: Date; limit: number }): Promise<DueDeliveryRow[]> {
  const result = await tx.client.query<Omit<DueDeliveryRow, "allowPrivateNetwork"> & { allowPrivateNetwork: boolean }>({
    name: "webhooks-claim-due",
    text: `SELECT d."id", d."endpointId", d."payload", d."attempts", e."url", e."secret", e."allowPrivateNetwork"
             FROM "webhook_delivery" d JOIN "webhook_endpoint" e ON e."id" = d."endpointId"
            WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= $1 AND e."enabled"
            ORDER BY d."nextAttemptAt" LIMIT $2
              FOR UPDATE OF d SKIP LOCKED`,
    values: [options.now.toISOString(), options.limit],
  });
  if (result.rows.length > 0) {
    await tx.client.query({
      name: "webhooks-lease",
      text: `UPDATE "webhook_delivery" SET "nextAttemptAt" = $1 WHERE "id" = ANY($2::text[])`,
      values: [options.leaseUntil.toISOString(), result.rows.map((r) => r.id)],
    });
  }
  return result.rows.map((row) => ({ ...row, allowPrivateNetwork: row.allowPrivateNetwork ? 1 : 0 }));
}

/** When the next pending delivery is due (null: none is). */
export async function nextDueAt(db: Queryable): Promise<string | null> {
  const result = await db.query<{ at: Date | null }>({
    name: "webhooks-next-due",
    text: `SELECT min(d."nextAttemptAt") AS "at" FROM "webhook_delivery" d JOIN "webhook_endpoint" e ON e."id" = d."endpointId" WHERE d."status" = 'PENDING' AND e."enabled"`,
  });
  return text(result.rows[0]?.at ?? null);
}

/** Records one attempt and its consequence; `disableAfter` failed deliveries in a row disable the endpoint (with an audit event). */
export async function recordAttempt(tx: PgTx, outcome: AttemptOutcome, options: { disableAfter: number; notice: (failures: number) => string }): Promise<{ disabled: boolean }> {
  const status = outcome.delivered ? "DELIVERED" : outcome.nextAttemptAt ? "PENDING" : "FAILED";
  const updated = await tx.client.query({
    name: "webhooks-settle-delivery",
    text: `UPDATE "webhook_delivery" SET "status" = $1, "attempts" = "attempts" + 1, "nextAttemptAt" = $2, "lastStatus" = $3, "lastError" = $4, "deliveredAt" = $5
            WHERE "id" = $6 AND "status" = 'PENDING'`,
    values: [status, outcome.nextAttemptAt?.toISOString() ?? null, outcome.statusCode, outcome.error, outcome.delivered ? outcome.at.toISOString() : null, outcome.deliveryId],
  });
  if (updated.rowCount !== 1) return { disabled: false };
  await tx.client.query({
    name: "webhooks-insert-attempt",
    text: `INSERT INTO "webhook_attempt" ("id", "deliveryId", "at", "statusCode", "durationMs", "error", "responseExcerpt") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    values: [outcome.attemptId, outcome.deliveryId, outcome.at.toISOString(), outcome.statusCode, outcome.durationMs, outcome.error, outcome.responseExcerpt],
  });
  if (outcome.delivered) {
    await tx.client.query({ name: "webhooks-reset-failures", text: `UPDATE "webhook_endpoint" SET "consecutiveFailures" = 0 WHERE "id" = $1 AND "consecutiveFailures" <> 0`, values: [outcome.endpointId] });
    return { disabled: false };
  }
  if (status !== "FAILED") return { disabled: false };
  const counted = await tx.client.query<{ projectId: string; name: string; url: string; consecutiveFailures: number; enabled: boolean }>({
    name: "webhooks-count-failure",
    text: `UPDATE "webhook_endpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1 WHERE "id" = $1 RETURNING "projectId", "name", "url", "consecutiveFailures", "enabled"`,
    values: [outcome.endpointId],
  });
  const endpoint = counted.rows[0];
  if (!endpoint || !endpoint.enabled || endpoint.consecutiveFailures < options.disableAfter) return { disabled: false };
  const reason = options.notice(endpoint.consecutiveFailures);
  await tx.client.query({
    name: "webhooks-disable-endpoint",
    text: `UPDATE "webhook_endpoint" SET "enabled" = false, "disabledAt" = $1, "disabledReason" = $2, "updatedAt" = $1 WHERE "id" = $3`,
    values: [outcome.at.toISOString(), reason, outcome.endpointId],
  });
  await appendAuditEventPg(tx, {
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
export async function stepIdOfEntity(db: Queryable, entityType: string, entityId: string): Promise<string | null> {
  if (entityType === "step_run") return (await db.query<{ stepId: string }>({ name: "webhooks-step-of-step-run", text: `SELECT "stepId" FROM "step_run" WHERE "id" = $1`, values: [entityId] })).rows[0]?.stepId ?? null;
  if (entityType === "fleet_client_run") return (await db.query<{ stepId: string }>({ name: "webhooks-step-of-fleet-row", text: `SELECT "stepId" FROM "fleet_client_run" WHERE "id" = $1`, values: [entityId] })).rows[0]?.stepId ?? null;
  if (entityType === "fleet_step" || entityType === "step") return entityId;
  return null;
}

export async function readProject(db: Queryable, projectId: string): Promise<ProjectRowForWebhook | null> {
  return (await db.query<ProjectRowForWebhook>({ name: "webhooks-project", text: `SELECT "id", "name", "timezone" FROM "project" WHERE "id" = $1`, values: [projectId] })).rows[0] ?? null;
}

/** A run and its steps in plan order, as much as an event needs (numbers, the forecast). */
export async function readRunForWebhook(db: Queryable, runId: string): Promise<{ run: RunRowForWebhook; steps: StepRowForWebhook[] } | null> {
  const runs = await db.query<Omit<RunRowForWebhook, "windowStart" | "windowEnd"> & { windowStart: Date; windowEnd: Date }>({
    name: "webhooks-run",
    text: `SELECT "id", "name", "kind", "status", "mode", "windowStart", "windowEnd" FROM "run" WHERE "id" = $1`,
    values: [runId],
  });
  const run = runs.rows[0];
  if (!run) return null;
  const steps = await db.query<Omit<StepRowForWebhook, "startedAt" | "finishedAt" | "inWindow"> & { startedAt: Date | null; finishedAt: Date | null; inWindow: boolean }>({
    name: "webhooks-run-steps",
    text: `SELECT sr."stepId" AS "id", sr."title", sr."kind", sr."plannedMinutes", sr."status", sr."startedAt", sr."finishedAt", sr."predecessorIds", sr."predecessorLags", sr."notBefore", rp."inWindow"
             FROM "step_run" sr JOIN "run_phase" rp ON rp."id" = sr."runPhaseId"
            WHERE sr."runId" = $1 ORDER BY rp."position", sr."position"`,
    values: [runId],
  });
  return {
    run: { ...run, windowStart: toSqlTime(run.windowStart), windowEnd: toSqlTime(run.windowEnd) },
    steps: steps.rows.map((s) => ({ ...s, startedAt: text(s.startedAt), finishedAt: text(s.finishedAt), inWindow: s.inWindow ? 1 : 0 })),
  };
}
