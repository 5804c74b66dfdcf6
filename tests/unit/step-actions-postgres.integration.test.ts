/**
 * The step actions themselves (the flows behind performStepAction, decideGate and undoSignOff in
 * lib/runs/service.ts) on SQLite and on PostgreSQL (a real server started for the test): the same
 * rules over each database's step store, from the same fixture, must give the same answers, the
 * same refusals in the same words, and the same records. On SQLite the flows run synchronously
 * inside BEGIN IMMEDIATE, as the app runs them; on PostgreSQL through runPgTransaction.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyChain } from "@/lib/audit/chain";
import type { ActingUser } from "@/lib/platform/auth/permissions";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { AUDIT_CHAIN_LOCK_KEY } from "@/lib/platform/db/advisory-locks";
import { POSTGRES_SESSION_LIMITS } from "@/lib/platform/db/postgres-pool";
import { decideGateFlow, stepActionFlow, undoSignOffFlow, type DecideGateOptions, type StepActionOptions, type UndoSignOffOptions } from "@/lib/runs/service";
import { runStepFlowAsync, runStepFlowSync, type StepFlow } from "@/lib/runs/step-flow";
import { postgresStepStore, sqliteStepStore } from "@/lib/runs/step-store";
import { onBoth as onBothSides, openBothSides, type Side } from "./helpers/two-databases";

// The SQLite step store reads memberships through this process's own connection (DATABASE_URL):
// make that the SQLite side's file (vi.hoisted runs before the imports).
const sqliteFile = await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("step-actions"));

let sides: Side[];

const T0 = new Date("2026-12-05T21:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const admin: ActingUser = { id: "u-admin", name: "Ada Admin", role: "ADMIN" };
const olivia: ActingUser = { id: "u-olivia", name: "Olivia Chen", role: "OPERATOR" };
const raj: ActingUser = { id: "u-raj", name: "Raj Patel", role: "OPERATOR" };
const vera: ActingUser = { id: "u-vera", name: "Vera Viewer", role: "OPERATOR" };
const outsider: ActingUser = { id: "u-out", name: "Otto Outside", role: "OPERATOR" };

async function seed(side: Side) {
  const { prisma } = side;
  for (const u of [admin, olivia, raj, vera, outsider]) await prisma.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@example.test`, role: u.role } });
  await prisma.setting.upsert({ where: { key: "projectVisibility" }, create: { key: "projectVisibility", value: "members" }, update: { value: "members" } });
  await prisma.project.create({ data: { id: "p-1", name: "Move nbu-master-01", sourceHost: "nbu-master-01", targetHost: "nbu-master-02", timezone: "Europe/Berlin", windowStart: T0, windowEnd: at(480), status: "LIVE" } });
  await prisma.projectMember.createMany({ data: [{ projectId: "p-1", userId: olivia.id, role: "OPERATOR" }, { projectId: "p-1", userId: raj.id, role: "OPERATOR" }, { projectId: "p-1", userId: vera.id, role: "VIEWER" }] });
  for (const [id, hostname] of [["c-1", "app01"], ["c-2", "db01"]]) await prisma.fleetClient.create({ data: { id, projectId: "p-1", hostname } });
  await prisma.run.create({ data: { id: "run-1", projectId: "p-1", kind: "LIVE", name: "Saturday cutover", windowStart: T0, windowEnd: at(480), startedAt: T0 } });
  await prisma.runPhase.create({ data: { id: "ph-1", runId: "run-1", phaseId: "phase-1", position: 1, title: "Move" } });
  await prisma.runPhase.create({ data: { id: "ph-9", runId: "run-1", phaseId: "phase-9", position: 9, title: "Roll back" } });
  const step = (stepId: string, data: Record<string, unknown>) => prisma.stepRun.create({ data: { id: `sr-${stepId}`, runId: "run-1", stepId, runPhaseId: "ph-1", title: `Step ${stepId}`, plannedMinutes: 10, ...data } as never });
  await step("A", { position: 1, title: "Copy the catalog" });
  await step("B", { position: 2, title: "Reconfigure the tape library", predecessorIds: JSON.stringify(["A"]) });
  await step("F", { position: 3, title: "Update bp.conf on every client", predecessorIds: JSON.stringify(["A"]), isFleet: true, fleetAction: "UPDATE_BPCONF" });
  await step("G", { position: 4, title: "Go/no-go: catalog verified", predecessorIds: JSON.stringify(["B", "F"]), kind: "GATE" });
  await step("R", { position: 1, title: "Restore the old master", kind: "ROLLBACK", runPhaseId: "ph-9" });
  for (const [clientId, status] of [["c-1", "UPDATED"], ["c-2", "FAILED"]] as const) await prisma.fleetClientRun.create({ data: { id: `f-${clientId}`, runId: "run-1", stepId: "F", clientId, status } });
}

let closeSides: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const both = await openBothSides({ sqliteFile, seed });
  sides = both.sides;
  closeSides = both.close;
}, 60_000);
afterAll(() => closeSides?.());

/**
 * Runs a flow of `actor` on one side as the app would there (on PostgreSQL the step store loads the
 * actor's access and the blocking steps with the step run, as runStepTransaction's does); a
 * refusal comes back as its class and words.
 */
async function run<T>(side: Side, actor: ActingUser, flow: () => StepFlow<T>): Promise<T | { refused: string; message: string }> {
  try {
    if (side.name === "sqlite") {
      const { db } = side;
      return db.transaction(() => {
        const tx = { db, touchedProjects: new Set<string>() };
        return runStepFlowSync(flow(), sqliteStepStore(tx), tx);
      }).immediate();
    }
    return await runPgTransaction(side.pool, (tx) => runStepFlowAsync(flow(), postgresStepStore(tx, { actorId: actor.id }), tx));
  } catch (error) {
    return { refused: (error as Error).name, message: (error as Error).message };
  }
}

const act = (actor: ActingUser, stepId: string, input: Partial<StepActionOptions["input"]> & { action: StepActionOptions["input"]["action"] }, minutes: number) => (side: Side) =>
  run(side, actor, () => stepActionFlow({ actor, runId: "run-1", stepId, input: { note: "", reason: "", ...input }, recordedAt: at(minutes) }));
const decide = (options: Omit<DecideGateOptions, "runId">) => (side: Side) => run(side, options.actor, () => decideGateFlow({ runId: "run-1", ...options }));
const undo = (options: Omit<UndoSignOffOptions, "runId">) => (side: Side) => run(side, options.actor, () => undoSignOffFlow({ runId: "run-1", ...options }));
const onBoth = <T>(scenario: (side: Side) => Promise<T>) => onBothSides(sides, scenario);

describe("the step actions on SQLite and PostgreSQL", () => {
  it("start and sign off a step, replay a retried sign-off, and refuse a second operator's in the first one's name", async () => {
    expect(await onBoth(act(olivia, "A", { action: "start" }, 1))).toEqual({ stepId: "A", runId: "run-1", status: "IN_PROGRESS", version: 2, startedAt: at(1).toISOString(), finishedAt: null, signedOffBy: null });
    const done = await onBoth(act(olivia, "A", { action: "done", note: "catalog copied, 212 GB", idempotencyKey: "tap-1" }, 40));
    expect(done).toEqual({ stepId: "A", runId: "run-1", status: "DONE", version: 3, startedAt: at(1).toISOString(), finishedAt: at(40).toISOString(), signedOffBy: "Olivia Chen" });
    expect(await onBoth(act(olivia, "A", { action: "done", idempotencyKey: "tap-1" }, 41))).toEqual({ ...done, replayed: true });
    expect(await onBoth(act(raj, "A", { action: "done" }, 42))).toEqual({ refused: "ConflictError", message: expect.stringMatching(/^Already signed off by Olivia Chen at .+\. Nothing was changed\.$/) });
  });

  it("refuse a viewer (403), someone who isn't a member (404), a blocked step and a stale version, in the same words", async () => {
    expect(await onBoth(act(vera, "B", { action: "start" }, 43))).toEqual({ refused: "ForbiddenError", message: "Your role can't change steps in a run." });
    expect(await onBoth(act(outsider, "B", { action: "start" }, 43))).toEqual({ refused: "NotFoundError", message: "Step in this run not found." });
    expect(await onBoth(act(olivia, "G", { action: "start" }, 43))).toEqual({ refused: "ConflictError", message: expect.stringMatching(/^This step is blocked\./) });
    expect(await onBoth(act(raj, "B", { action: "start", expectedVersion: 7 }, 43))).toMatchObject({ refused: "ConflictError" });
  });

  it("ask before signing off a fleet step with clients not done, then record the exception", async () => {
    const asked = await onBoth(act(raj, "F", { action: "done" }, 50));
    expect(asked).toEqual({ refused: "NeedsConfirmationError", message: "1 of 2 clients is not updated. Sign off with exceptions and say why, or finish the clients first." });
    expect(await onBoth(act(raj, "F", { action: "done", exceptionReason: "db01 is being decommissioned" }, 51))).toMatchObject({ status: "DONE", signedOffBy: "Raj Patel" });
    for (const side of sides) {
      const row = await side.prisma.stepRun.findUniqueOrThrow({ where: { id: "sr-F" } });
      expect({ side: side.name, exceptionReason: row.exceptionReason, outcome: JSON.parse(row.fleetOutcome ?? "null") }).toEqual({
        side: side.name,
        exceptionReason: "db01 is being decommissioned",
        outcome: { action: "UPDATE_BPCONF", total: 2, done: 1, counts: { PENDING: 0, UPDATED: 1, VERIFIED: 0, FAILED: 1 }, exceptions: [{ hostname: "db01", status: "FAILED" }] },
      });
    }
  });

  it("undo a sign-off with a reason, sign it off again, and a Go at the gate completes the run and the project", async () => {
    expect(await onBoth(act(raj, "B", { action: "done" }, 60))).toMatchObject({ status: "DONE" });
    expect(await onBoth(undo({ actor: olivia, stepId: "B", input: { reason: "" } }))).toEqual({ refused: "ForbiddenError", message: "Only admins can undo someone else's sign-off." });
    expect(await onBoth(undo({ actor: admin, stepId: "B", input: { reason: "Signed off before the robot inventory finished" } }))).toEqual({ status: "IN_PROGRESS", version: 3 });
    expect(await onBoth(act(raj, "B", { action: "done" }, 70))).toMatchObject({ status: "DONE", version: 4 });
    expect(await onBoth(decide({ actor: olivia, stepId: "G", input: { decision: "GO", note: "" } }))).toEqual({ refused: "ForbiddenError", message: "Only an admin, the gate's assignee or one of its approvers can decide this gate." });
    expect(await onBoth(decide({ actor: admin, stepId: "G", input: { decision: "GO", note: "Catalog verified, tapes inventoried" }, decidedAt: at(80) }))).toEqual({
      stepId: "G",
      runId: "run-1",
      status: "DONE",
      version: 2,
      startedAt: at(80).toISOString(),
      finishedAt: at(80).toISOString(),
      signedOffBy: "Ada Admin",
    });
    const ended = await onBoth(async (side) => {
      const run = await side.prisma.run.findUniqueOrThrow({ where: { id: "run-1" } });
      const project = await side.prisma.project.findUniqueOrThrow({ where: { id: "p-1" } });
      const events = await side.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
      return { run: run.status, project: project.status, actions: events.map((e) => `${e.action} ${e.actorName}`), chain: verifyChain(events).ok };
    });
    expect(ended).toEqual({
      run: "COMPLETED",
      project: "COMPLETED",
      actions: [
        "step.start Olivia Chen",
        "step.done Olivia Chen",
        "step.done Raj Patel",
        "step.done Raj Patel",
        "step.undo_signoff Ada Admin",
        "step.done Raj Patel",
        "gate.go Ada Admin",
        "run.complete Ada Admin",
      ],
      chain: true,
    });
    expect(await onBoth(act(raj, "R", { action: "start" }, 90))).toEqual({ refused: "ConflictError", message: "This run has ended; its record can't be changed." });
  });

  it("on PostgreSQL a step store's audit append waits for the end of the transaction: the chain's lock is held for the append and COMMIT only", async () => {
    const side = sides.find((candidate) => candidate.name === "postgresql");
    if (side?.name !== "postgresql") throw new Error("no PostgreSQL side");
    // Seen from another connection, as another instance would see it.
    const chainLockHolders = async () =>
      Number((await side.pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND granted`, [AUDIT_CHAIN_LOCK_KEY])).rows[0].n);
    const before = await side.prisma.auditEvent.count();
    const seen: number[] = [];
    await runPgTransaction(side.pool, async (tx) => {
      const store = postgresStepStore(tx);
      await store.appendAuditEvent({ actor: admin, projectId: "p-1", runId: "run-1", action: "run.note", entityType: "run", entityId: "run-1", before: null, after: { note: "appended first" } });
      // The flow goes on after its append (settling the run, remembering the result): meanwhile
      // every other writer in every instance would be waiting if the lock were taken already.
      seen.push(await chainLockHolders());
      await store.loadRunProgress("run-1");
      seen.push(await chainLockHolders());
      tx.beforeCommit.push(async () => seen.push(await chainLockHolders()));
    });
    expect(seen).toEqual([0, 0, 1]);
    expect(await chainLockHolders()).toBe(0);
    const events = await side.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ action: "run.note", actorName: "Ada Admin" });
    expect(verifyChain(events).ok).toBe(true);
  });

  it(
    "on PostgreSQL an instance that stops mid-transaction holding the chain's lock stalls no one for long: sign-offs are busy after 5 s with nothing saved, PostgreSQL ends the stopped session within 15 s, and then they go through",
    async () => {
      const side = sides.find((candidate) => candidate.name === "postgresql");
      if (side?.name !== "postgresql") throw new Error("no PostgreSQL side");
      await side.prisma.run.create({ data: { id: "run-2", projectId: "p-1", kind: "REHEARSAL", name: "Rehearsal 2", windowStart: T0, windowEnd: at(480), startedAt: T0 } });
      await side.prisma.runPhase.create({ data: { id: "ph-2", runId: "run-2", phaseId: "phase-1", position: 1, title: "Move" } });
      await side.prisma.stepRun.create({ data: { id: "sr2-S", runId: "run-2", stepId: "S", runPhaseId: "ph-2", position: 1, title: "Stop the NetBackup daemons", plannedMinutes: 5 } });
      const signOff = () => run(side, olivia, () => stepActionFlow({ actor: olivia, runId: "run-2", stepId: "S", input: { action: "done", note: "", reason: "" } }));
      const eventsBefore = await side.prisma.auditEvent.count();

      // The stopped instance, as PostgreSQL sees it: a connection with the app's limits that took the
      // chain's lock in a transaction, wrote, and then went silent (its process frozen, or its box gone).
      const stopped = new pg.Client({ connectionString: side.url, ...POSTGRES_SESSION_LIMITS });
      await stopped.connect();
      const endedBy = new Promise<string>((resolve) => stopped.on("error", (error) => resolve((error as { code?: string }).code ?? "none")));
      const stoppedAt = Date.now();
      await stopped.query("BEGIN");
      await stopped.query(`SELECT pg_advisory_xact_lock($1)`, [AUDIT_CHAIN_LOCK_KEY]);
      // Its write is to a row the sign-off doesn't write, so the only thing the sign-off waits for is the chain's lock.
      await stopped.query(`UPDATE "setting" SET "value" = 'all' WHERE "key" = 'projectVisibility'`);

      const tried = Date.now();
      const attempt = signOff();
      const waitingForChainLock = async () =>
        Number((await side.pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND NOT granted`, [AUDIT_CHAIN_LOCK_KEY])).rows[0].n);
      await vi.waitFor(async () => expect(await waitingForChainLock()).toBe(1), { timeout: 4000, interval: 20 });
      const busy = await attempt;
      const waitedMs = Date.now() - tried;
      expect(busy).toEqual({ refused: "BusyError", message: "The database is busy. Nothing was changed; try again in a moment." });
      expect(waitedMs).toBeGreaterThanOrEqual(POSTGRES_SESSION_LIMITS.lock_timeout - 100);
      expect(waitedMs).toBeLessThan(POSTGRES_SESSION_LIMITS.lock_timeout + 3000);
      expect(await side.prisma.stepRun.findUnique({ where: { id: "sr2-S" }, select: { status: true, version: true } })).toEqual({ status: "PENDING", version: 1 });
      expect(await side.prisma.auditEvent.count()).toBe(eventsBefore);

      // 25P03: idle_in_transaction_session_timeout. Its transaction is rolled back, its lock freed.
      expect(await endedBy).toBe("25P03");
      expect(Date.now() - stoppedAt).toBeLessThan(POSTGRES_SESSION_LIMITS.idle_in_transaction_session_timeout + 3000);
      expect(await signOff()).toMatchObject({ stepId: "S", status: "DONE", signedOffBy: "Olivia Chen" });
      expect(await side.prisma.setting.findUnique({ where: { key: "projectVisibility" }, select: { value: true } })).toEqual({ value: "members" });
      const events = await side.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
      // Its only step done, the rehearsal is complete.
      expect(events.slice(eventsBefore).map((event) => event.action)).toEqual(["step.done", "run.complete"]);
      expect(verifyChain(events).ok).toBe(true);
      await stopped.end().catch(() => undefined);
    },
    40_000,
  );
});
