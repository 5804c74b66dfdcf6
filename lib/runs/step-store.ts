import "server-only";
import type { SqlTx } from "../platform/db/transaction";
import type { PgTx } from "../platform/db/transaction-postgres";
import { rememberResultPg, rememberResultSql, replayIfSeenPg, replayIfSeenSql, type Replayed } from "../platform/db/idempotency";
import type { FleetOutcome, FleetStatusName } from "../fleet/model";
import { appendAuditEventPg, appendAuditEventSql, type AuditInput } from "../audit/service";
import { readProjectAccessRow, readProjectAccessRowPg } from "../projects/access";
import type { ProjectAccessRow } from "../projects/store.sqlite";
import type { FleetActionName, RunModeName, RunStatusName } from "./model";
import * as sqlite from "./store.sqlite";
import * as postgres from "./store.postgres";
import type { GateApprovalRow, LoadedStepRun, RelatedStepState } from "./store.sqlite";

type Awaitable<T> = T | Promise<T>;
type StepRunState = Omit<LoadedStepRun, "step" | "run" | "held">;
type NextStepRunState = Omit<LoadedStepRun, "id" | "runId" | "stepId" | "version" | "step" | "run" | "held">;

/**
 * The step actions' storage, one interface over both databases, bound to one transaction:
 * SQLite's functions answer at once (synchronous, inside BEGIN IMMEDIATE), PostgreSQL's with a
 * promise. tests/unit/run-store-contract.integration.test.ts holds both to the same behaviour.
 * The step actions in ./service.ts reach the database only through it (./step-flow.ts).
 */
export interface StepStore {
  loadStepRun(runId: string, stepId: string): Awaitable<LoadedStepRun>;
  /** The membership row an access check needs (lib/projects/access.ts requireProjectAccessWith). */
  readProjectAccess(userId: string, projectId: string): Awaitable<ProjectAccessRow>;
  updateStepRun(current: LoadedStepRun, next: NextStepRunState): Awaitable<StepRunState | null>;
  loadBlockingSteps(stepRun: LoadedStepRun): Awaitable<{ predecessorIds: string[]; related: RelatedStepState[] }>;
  loadRunProgress(runId: string): Awaitable<{ run: { id: string; projectId: string; kind: string; status: RunStatusName; mode: RunModeName }; inScope: number; unfinished: number } | null>;
  endRun(run: { id: string; projectId: string; kind: string }, outcome: RunStatusName, endedAt: Date): Awaitable<void>;
  switchRunToRollback(runId: string): Awaitable<void>;
  loadFleetOutcome(options: { runId: string; stepId: string; action: FleetActionName; doneStatuses: readonly FleetStatusName[]; listLimit: number }): Awaitable<FleetOutcome>;
  listGateApprovals(runId: string, stepId: string): Awaitable<GateApprovalRow[]>;
  insertGateApproval(row: { runId: string; stepId: string; slot: number | null; decision: "GO" | "NO_GO" | "HOLD"; userId: string; userName: string; note: string; at: Date }): Awaitable<void>;
  revokeGateApprovals(runId: string, stepId: string, at: Date): Awaitable<void>;
  gatedStepPeople(runId: string, predecessorIds: readonly string[]): Awaitable<Set<string>>;
  holdGate(current: { id: string; version: number }, hold: { at: Date; by: string; note: string }): Awaitable<boolean>;
  touchStepRun(current: { id: string; version: number }): Awaitable<boolean>;
  abortRun(run: { id: string; projectId: string; kind: string }, end: { at: Date; reason: string; byId: string; byName: string }): Awaitable<void>;
  replayIfSeen<T>(key: string | undefined, userId: string): Awaitable<Replayed<T> | null>;
  /**
   * Appends to the audit chain in this transaction; live pages and the checkpointer hear of it
   * after the commit. On PostgreSQL the append runs just before COMMIT (in the order the flow made
   * them), so the chain's lock, which serialises every instance's appends, is held for the append
   * and the commit only, not for the reads and writes the flow does after it.
   */
  appendAuditEvent(input: AuditInput): Awaitable<void>;
  rememberResult(entry: { key: string | undefined; userId: string; runId: string; result: unknown }): Awaitable<void>;
}

export function sqliteStepStore(tx: SqlTx): StepStore {
  return {
    loadStepRun: (runId, stepId) => sqlite.loadStepRun(tx, runId, stepId),
    // The direct connection's own read: inside this transaction, the same connection as tx.db.
    readProjectAccess: (userId, projectId) => readProjectAccessRow({ userId, projectId }),
    updateStepRun: (current, next) => sqlite.updateStepRun(tx, current, next),
    loadBlockingSteps: (stepRun) => sqlite.loadBlockingSteps(tx, stepRun),
    loadRunProgress: (runId) => sqlite.loadRunProgress(tx, runId),
    endRun: (run, outcome, endedAt) => sqlite.endRun(tx, run, outcome, endedAt),
    switchRunToRollback: (runId) => sqlite.switchRunToRollback(tx, runId),
    loadFleetOutcome: (options) => sqlite.loadFleetOutcome(tx, options),
    listGateApprovals: (runId, stepId) => sqlite.listGateApprovals(tx, runId, stepId),
    insertGateApproval: (row) => sqlite.insertGateApproval(tx, row),
    revokeGateApprovals: (runId, stepId, at) => sqlite.revokeGateApprovals(tx, runId, stepId, at),
    gatedStepPeople: (runId, predecessorIds) => sqlite.gatedStepPeople(tx, runId, predecessorIds),
    holdGate: (current, hold) => sqlite.holdGate(tx, current, hold),
    touchStepRun: (current) => sqlite.touchStepRun(tx, current),
    abortRun: (run, end) => sqlite.abortRunSql(tx, run, end),
    replayIfSeen: (key, userId) => replayIfSeenSql(tx, key, userId),
    appendAuditEvent: (input) => {
      appendAuditEventSql(tx, input);
    },
    rememberResult: (entry) => rememberResultSql(tx, entry),
  };
}

/**
 * The step store on a PostgreSQL transaction. With `actorId` (a step action of that user), loading
 * a step run also reads, in the same round trip, what the flow asks for right after: the actor's
 * access to the project and the steps the blocked-step rule looks at. Those calls are answered
 * from it, for that step run and that user only; anything else is read as usual.
 */
export function postgresStepStore(tx: PgTx, options: { actorId: string | null } = { actorId: null }): StepStore {
  const prefetched = new WeakMap<LoadedStepRun, postgres.StepActionPrefetch>();
  let lastAccess: { userId: string; projectId: string; row: ProjectAccessRow } | null = null;
  return {
    loadStepRun: async (runId, stepId) => {
      const { stepRun, prefetch } = await postgres.loadStepRunForAction(tx, runId, stepId, options.actorId);
      if (prefetch && options.actorId !== null) {
        prefetched.set(stepRun, prefetch);
        lastAccess = { userId: options.actorId, projectId: stepRun.run.projectId, row: prefetch.access };
      }
      return stepRun;
    },
    readProjectAccess: (userId, projectId) =>
      lastAccess && lastAccess.userId === userId && lastAccess.projectId === projectId ? lastAccess.row : readProjectAccessRowPg(tx.client, { userId, projectId }),
    updateStepRun: (current, next) => postgres.updateStepRun(tx, current, next),
    loadBlockingSteps: (stepRun) => prefetched.get(stepRun)?.blocking ?? postgres.loadBlockingSteps(tx, stepRun),
    loadRunProgress: (runId) => postgres.loadRunProgress(tx, runId),
    endRun: (run, outcome, endedAt) => postgres.endRun(tx, run, outcome, endedAt),
    switchRunToRollback: (runId) => postgres.switchRunToRollback(tx, runId),
    loadFleetOutcome: (options) => postgres.loadFleetOutcome(tx, options),
    listGateApprovals: (runId, stepId) => postgres.listGateApprovals(tx, runId, stepId),
    insertGateApproval: (row) => postgres.insertGateApproval(tx, row),
    revokeGateApprovals: (runId, stepId, at) => postgres.revokeGateApprovals(tx, runId, stepId, at),
    gatedStepPeople: (runId, predecessorIds) => postgres.gatedStepPeople(tx, runId, predecessorIds),
    holdGate: (current, hold) => postgres.holdGate(tx, current, hold),
    touchStepRun: (current) => postgres.touchStepRun(tx, current),
    abortRun: (run, end) => postgres.abortRun(tx, run, end),
    replayIfSeen: (key, userId) => replayIfSeenPg(tx, key, userId),
    appendAuditEvent: (input) => {
      tx.beforeCommit.push(() => appendAuditEventPg(tx, input));
    },
    rememberResult: (entry) => rememberResultPg(tx, entry),
  };
}
