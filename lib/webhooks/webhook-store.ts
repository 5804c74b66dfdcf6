import "server-only";
import type pg from "pg";
import { runSqlTransaction } from "../platform/db/transaction";
import { runPgTransaction } from "../platform/db/transaction-postgres";
import * as sqlite from "./store.sqlite";
import * as postgres from "./store.postgres";
import type { ActiveEndpointRow, AttemptOutcome, AuditRowForWebhook, DueDeliveryRow, NewDelivery, ProjectRowForWebhook, RunRowForWebhook, StepRowForWebhook } from "./store.sqlite";

/**
 * What the webhook dispatcher needs from the database, one interface over both: SQLite's
 * functions (./store.sqlite.ts; each write one synchronous transaction) and PostgreSQL's
 * (./store.postgres.ts, held to the same contract by tests/unit/webhook-store-contract.integration.test.ts).
 */
export interface WebhookStore {
  listActiveEndpoints(): Promise<ActiveEndpointRow[]>;
  readAuditAfter(options: { projectId: string; afterSeq: number; limit: number }): Promise<AuditRowForWebhook[]>;
  /** One transaction: the cursor moves from `fromSeq` to `toSeq` with the deliveries in between, or nothing happens. */
  commitOutboxBatch(options: { endpointId: string; fromSeq: number; toSeq: number; deliveries: NewDelivery[]; now: Date }): Promise<boolean>;
  nextDueAt(): Promise<string | null>;
  claimDueDeliveries(options: { now: Date; leaseUntil: Date; limit: number }): Promise<DueDeliveryRow[]>;
  /** One transaction for the whole batch. */
  recordAttempts(outcomes: readonly AttemptOutcome[], options: { disableAfter: number; notice: (failures: number) => string }): Promise<void>;
  stepIdOfEntity(entityType: string, entityId: string): Promise<string | null>;
  readProject(projectId: string): Promise<ProjectRowForWebhook | null>;
  readRunForWebhook(runId: string): Promise<{ run: RunRowForWebhook; steps: StepRowForWebhook[] } | null>;
}

export const sqliteWebhookStore: WebhookStore = {
  listActiveEndpoints: async () => sqlite.listActiveEndpointsSql(),
  readAuditAfter: async (options) => sqlite.readAuditAfterSql(options),
  commitOutboxBatch: (options) => runSqlTransaction((tx) => sqlite.commitOutboxBatchSql(tx, options)),
  nextDueAt: async () => sqlite.nextDueAtSql(),
  claimDueDeliveries: (options) => runSqlTransaction((tx) => sqlite.claimDueDeliveriesSql(tx, options)),
  recordAttempts: (outcomes, options) =>
    runSqlTransaction((tx) => {
      for (const outcome of outcomes) sqlite.recordAttemptSql(tx, outcome, options);
    }),
  stepIdOfEntity: async (entityType, entityId) => sqlite.stepIdOfEntitySql(entityType, entityId),
  readProject: async (projectId) => sqlite.readProjectSql(projectId),
  readRunForWebhook: async (runId) => sqlite.readRunForWebhookSql(runId),
};

export function postgresWebhookStore(pool: pg.Pool): WebhookStore {
  return {
    listActiveEndpoints: () => postgres.listActiveEndpoints(pool),
    readAuditAfter: (options) => postgres.readAuditAfter(pool, options),
    commitOutboxBatch: (options) => runPgTransaction(pool, (tx) => postgres.commitOutboxBatch(tx, options)),
    nextDueAt: () => postgres.nextDueAt(pool),
    claimDueDeliveries: (options) => runPgTransaction(pool, (tx) => postgres.claimDueDeliveries(tx, options)),
    recordAttempts: (outcomes, options) =>
      runPgTransaction(pool, async (tx) => {
        for (const outcome of outcomes) await postgres.recordAttempt(tx, outcome, options);
      }),
    stepIdOfEntity: (entityType, entityId) => postgres.stepIdOfEntity(pool, entityType, entityId),
    readProject: (projectId) => postgres.readProject(pool, projectId),
    readRunForWebhook: (runId) => postgres.readRunForWebhook(pool, runId),
  };
}
