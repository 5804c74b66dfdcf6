/**
 * lib/runs/service.ts against a real, migrated SQLite file: step transitions, permissions, lost-update
 * protection, idempotency, offline times, gates and run outcomes, run isolation and the audit
 * chain. Each describe block works on its own run (or project) so the blocks don't depend on
 * each other, except the audit-chain block at the end, which checks everything written before.
 */
import { formatMoment } from "@/lib/platform/time";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/platform/errors";
import type { StepAction } from "@/lib/runs/model";
import { auditCount, caught, createProject, createTeam, PROJECT_TIMEZONE, templateSteps, type PlanStep, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, TESTS_ON_POSTGRES, type Lib, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let lib: Lib;
let team: Awaited<ReturnType<typeof createTeam>>;
/** The main test project (template "netbackup-keep-hostname"), for rehearsal runs. */
let main: { id: string };
let step: (key: string) => PlanStep;
let ordered: PlanStep[];

beforeAll(async () => {
  db = await openTestDatabase("runs");
  lib = db.lib;
  team = await createTeam(lib);
  main = await createProject(lib, team.admin, { name: "Main" });
  ({ get: step, ordered } = await templateSteps(lib, main.id));
  await rollBackAtFirstGate(main.id);
}, 30_000);

/**
 * These tests drive the rollback path from the template's first gate, whose No-Go now aborts
 * (nothing has changed yet at that point); gate outcomes have their own tests.
 */
async function rollBackAtFirstGate(projectId: string) {
  const { get } = await templateSteps(lib, projectId);
  await lib.plan.updateStep({ actor: team.admin, stepId: get("12").id, input: { noGoOutcome: "ROLLBACK" } });
}

afterAll(async () => {
  await db?.close();
});

// ---------- helpers ----------

type Extra = { note?: string; reason?: string; expectedVersion?: number; idempotencyKey?: string; occurredAt?: Date };

function act(actor: TestActor, runId: string, stepId: string, action: StepAction, extra: Extra = {}) {
  return lib.runs.performStepAction({ actor, runId, stepId, input: { note: "", reason: "", ...extra, action } });
}

function decide(actor: TestActor, runId: string, stepId: string, decision: "GO" | "NO_GO") {
  return lib.runs.decideGate({ actor, runId, stepId, input: { decision, note: `${decision} by ${actor.name}` } });
}

function row(runId: string, stepId: string) {
  return lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId } } });
}

async function rehearsal(name: string, options: { startedAt?: Date; projectId?: string } = {}) {
  return lib.runs.startRun({ actor: team.admin, projectId: options.projectId ?? main.id, input: { kind: "REHEARSAL", name }, startedAt: options.startedAt });
}

/** Signs off the given forward steps in order; gates get a Go from the admin. */
async function finish(runId: string, steps: PlanStep[], actor: TestActor = team.operator) {
  for (const s of steps) {
    if (s.kind === "GATE") await decide(team.admin, runId, s.id, "GO");
    else await act(actor, runId, s.id, "done");
  }
}

const keys = (...list: string[]) => list.map((k) => step(k));
const range = (from: number, to: number) => keys(...Array.from({ length: to - from + 1 }, (_, i) => String(from + i)));

/** "02:14 CET" in the project's zone (with the date when not today), as the conflict messages print it. */
const hhmm = (date: Date | null) => formatMoment(date!, PROJECT_TIMEZONE, { now: Date.now() });

// ---------- transitions ----------

describe("step transitions through performStepAction", () => {
  let runId: string;
  beforeAll(async () => {
    runId = (await rehearsal("Transitions")).id;
  });

  it("start, then done: status, times, who and version", async () => {
    const s1 = step("1");
    const started = await act(team.operator, runId, s1.id, "start");
    expect(started).toMatchObject({ stepId: s1.id, runId, status: "IN_PROGRESS", version: 2, finishedAt: null, signedOffBy: null });
    expect(started.startedAt).not.toBeNull();

    const done = await act(team.operator2, runId, s1.id, "done", { note: "Keep it." });
    expect(done).toMatchObject({ status: "DONE", version: 3, startedAt: started.startedAt, signedOffBy: "Otto Operator" });
    const r = await row(runId, s1.id);
    expect(r).toMatchObject({ status: "DONE", startedById: team.operator.id, signedOffById: team.operator2.id, note: "Keep it.", version: 3 });
    expect(r.finishedAt!.toISOString()).toBe(done.finishedAt);
    expect(r.signedOffAt!.toISOString()).toBe(done.finishedAt);
    expect(r.finishedAt!.getTime()).toBeGreaterThanOrEqual(r.startedAt!.getTime());

    const events = await lib.prisma.auditEvent.findMany({ where: { entityId: r.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["step.start", team.operator.id],
      ["step.done", team.operator2.id],
    ]);
    expect(JSON.parse(events[1].before)).toMatchObject({ status: "IN_PROGRESS", version: 2 });
    expect(JSON.parse(events[1].after)).toMatchObject({ status: "DONE", version: 3, stepTitle: s1.title, offline: false });
  });

  it("skip and fail need a reason: ValidationError with fieldErrors.reason, nothing changed", async () => {
    const s2 = step("2");
    const before = await row(runId, s2.id);
    for (const reason of ["", "   "]) {
      const skip = await caught(() => act(team.operator, runId, s2.id, "skip", { reason }));
      expect(skip).toBeInstanceOf(ValidationError);
      expect(skip.fieldErrors).toEqual({ reason: ["A reason is required to skip a step."] });
    }
    const fail = await caught(() => act(team.operator, runId, s2.id, "fail"));
    expect(fail).toBeInstanceOf(ValidationError);
    expect(fail.fieldErrors).toEqual({ reason: ["A reason is required to fail a step."] });
    expect(await row(runId, s2.id)).toEqual(before);
    expect(await auditCount(lib, { entityId: before.id })).toBe(0);

    const skipped = await act(team.operator, runId, s2.id, "skip", { reason: "Version already on file" });
    expect(skipped.status).toBe("SKIPPED");
    expect(await row(runId, s2.id)).toMatchObject({ status: "SKIPPED", reason: "Version already on file", signedOffById: team.operator.id, version: 2 });
  });

  it("fail, then start again: the failure's reason is cleared", async () => {
    const s3 = step("3"); // after 2, which is skipped (finished)
    await act(team.operator, runId, s3.id, "fail", { reason: "bppllist hung" });
    expect(await row(runId, s3.id)).toMatchObject({ status: "FAILED", reason: "bppllist hung" });
    const restarted = await act(team.operator, runId, s3.id, "start");
    expect(restarted.status).toBe("IN_PROGRESS");
    expect(await row(runId, s3.id)).toMatchObject({ status: "IN_PROGRESS", reason: "", signedOffById: null, signedOffAt: null, version: 3 });
    await act(team.operator, runId, s3.id, "done");
    expect((await row(runId, s3.id)).status).toBe("DONE");
  });

  it("done on a DONE step → ConflictError 'Already signed off by X at …', nothing changed", async () => {
    const s1 = step("1");
    const before = await row(runId, s1.id);
    const expectedMessage = `Already signed off by Otto Operator at ${hhmm(before.signedOffAt)}. Nothing was changed.`;
    const again = await caught(() => act(team.operator, runId, s1.id, "done"));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toBe(expectedMessage);
    expect(again.current).toMatchObject({ status: "DONE", signedOffById: team.operator2.id, version: before.version });
    // The same with a stale expectedVersion (the operator saw the step before it was signed off).
    const stale = await caught(() => act(team.operator, runId, s1.id, "done", { expectedVersion: 2 }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toBe(expectedMessage);
    expect(await row(runId, s1.id)).toEqual(before);
  });

  it("start of a running step → ConflictError 'Already started by X at …'", async () => {
    const s4 = step("4"); // after 2
    await act(team.operator, runId, s4.id, "start");
    const before = await row(runId, s4.id);
    const err = await caught(() => act(team.operator2, runId, s4.id, "start"));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe(`Already started by Olivia Operator at ${hhmm(before.startedAt)}. Nothing was changed.`);
    expect(await row(runId, s4.id)).toEqual(before);
  });

  it("start (or done, or skip) of a blocked step → ConflictError 'blocked', DB unchanged", async () => {
    const s5 = step("5"); // waits for 3 (done) and 4 (running)
    const before = await row(runId, s5.id);
    const events = await auditCount(lib);
    for (const [action, reason] of [["start", ""], ["done", ""], ["skip", "not needed"]] as const) {
      const err = await caught(() => act(team.operator, runId, s5.id, action, { reason }));
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.message).toBe(`This step is blocked. Waiting for "${step("4").title}".`);
    }
    expect(await row(runId, s5.id)).toEqual(before);
    expect(await auditCount(lib)).toBe(events);
  });

  it("a step can't be done again after a failure without starting it again", async () => {
    const s4 = step("4");
    await act(team.operator, runId, s4.id, "fail", { reason: "Throughput too low" });
    const err = await caught(() => act(team.operator, runId, s4.id, "done"));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Can't done a step that is failed.");
    expect((await row(runId, s4.id)).status).toBe("FAILED");
  });
});

// ---------- permissions ----------

describe("permissions by role", () => {
  let runId: string;
  beforeAll(async () => {
    runId = (await rehearsal("Permissions")).id;
  });

  it("a viewer gets ForbiddenError for every action, and nothing changes", async () => {
    const s1 = step("1");
    const before = await row(runId, s1.id);
    const events = await auditCount(lib);
    for (const action of ["start", "done", "skip", "fail"] as const) {
      const err = await caught(() => act(team.viewer, runId, s1.id, action, { reason: "because" }));
      expect(err, action).toBeInstanceOf(ForbiddenError);
      expect(err.message).toBe("Your role can't change steps in a run.");
    }
    const gate = await caught(() => decide(team.viewer, runId, step("12").id, "GO"));
    expect(gate).toBeInstanceOf(ForbiddenError);
    const undo = await caught(() => lib.runs.undoSignOff({ actor: team.viewer, runId, stepId: s1.id, input: { reason: "x" } }));
    expect(undo).toBeInstanceOf(ForbiddenError);
    const start = await caught(() => lib.runs.startRun({ actor: team.viewer, projectId: main.id, input: { kind: "REHEARSAL", name: "" } }));
    expect(start).toBeInstanceOf(ForbiddenError);
    expect(await row(runId, s1.id)).toEqual(before);
    expect(await auditCount(lib)).toBe(events);
  });

  it("an operator can start, do, skip and fail steps", async () => {
    expect((await act(team.operator, runId, step("1").id, "start")).status).toBe("IN_PROGRESS");
    expect((await act(team.operator, runId, step("1").id, "done")).status).toBe("DONE");
    expect((await act(team.operator, runId, step("2").id, "skip", { reason: "known" })).status).toBe("SKIPPED");
    expect((await act(team.operator, runId, step("3").id, "fail", { reason: "broken" })).status).toBe("FAILED");
  });

  it("GATE steps can't be 'done', not even by an admin", async () => {
    const gate = step("12");
    const before = await row(runId, gate.id);
    for (const actor of [team.operator, team.admin]) {
      const err = await caught(() => act(actor, runId, gate.id, "done"));
      expect(err).toBeInstanceOf(ForbiddenError);
      expect(err.message).toBe("A go/no-go gate needs a Go or No-Go decision.");
    }
    expect(await row(runId, gate.id)).toEqual(before);
  });

  it("an operator can't decide a gate unless it is assigned to them; then they can", async () => {
    await act(team.operator, runId, step("3").id, "start");
    await finish(runId, range(3, 11));
    const gate = step("12");
    const notAssigned = await caught(() => decide(team.operator, runId, gate.id, "GO"));
    expect(notAssigned).toBeInstanceOf(ForbiddenError);
    expect(notAssigned.message).toBe("Only an admin, the gate's assignee or one of its approvers can decide this gate.");
    expect((await row(runId, gate.id)).status).toBe("PENDING");

    await lib.plan.updateStep({ actor: team.admin, stepId: gate.id, input: { assigneeId: team.operator.id } });
    // The run decides by its own copy of the plan: the new assignee counts once the change is applied.
    expect(await caught(() => decide(team.operator, runId, gate.id, "GO"))).toBeInstanceOf(ForbiddenError);
    const drift = await lib.planChanges.getRunPlanDrift({ runId });
    await lib.planChanges.applyPlanToRun({ actor: team.admin, runId, input: { reason: "Olivia decides the gate", expectedPlanVersion: drift!.planVersion } });
    const otherOperator = await caught(() => decide(team.operator2, runId, gate.id, "GO"));
    expect(otherOperator).toBeInstanceOf(ForbiddenError);
    const decided = await decide(team.operator, runId, gate.id, "GO");
    expect(decided).toMatchObject({ status: "DONE", signedOffBy: "Olivia Operator" });
    expect(await row(runId, gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedById: team.operator.id });
    await lib.plan.updateStep({ actor: team.admin, stepId: gate.id, input: { assigneeId: null } });
  });

  it("undoing someone else's sign-off is admin-only and audited (the signer's own quick undo has its own tests)", async () => {
    const s1 = step("1");
    const before = await row(runId, s1.id);
    expect(before.status).toBe("DONE");
    expect(before.signedOffById).toBe(team.operator.id);
    const byOperator = await caught(() => lib.runs.undoSignOff({ actor: team.operator2, runId, stepId: s1.id, input: { reason: "oops" } }));
    expect(byOperator).toBeInstanceOf(ForbiddenError);
    expect(await row(runId, s1.id)).toEqual(before);

    const undone = await lib.runs.undoSignOff({ actor: team.admin, runId, stepId: s1.id, input: { reason: "Signed off the wrong step" } });
    expect(undone).toEqual({ status: "IN_PROGRESS", version: before.version + 1 });
    expect(await row(runId, s1.id)).toMatchObject({ status: "IN_PROGRESS", finishedAt: null, signedOffById: null, signedOffAt: null, startedAt: before.startedAt });

    const events = await lib.prisma.auditEvent.findMany({ where: { entityId: before.id, action: "step.undo_signoff" } });
    expect(events).toHaveLength(1);
    expect(events[0].actorId).toBe(team.admin.id);
    expect(JSON.parse(events[0].before)).toMatchObject({ status: "DONE", signedOffById: team.operator.id });
    expect(JSON.parse(events[0].after)).toMatchObject({ status: "IN_PROGRESS", signedOffById: null, undoReason: "Signed off the wrong step", stepTitle: s1.title });

    const nothingToUndo = await caught(() => lib.runs.undoSignOff({ actor: team.admin, runId, stepId: s1.id, input: { reason: "again" } }));
    expect(nothingToUndo).toBeInstanceOf(ConflictError);
    expect(nothingToUndo.message).toBe("There is no sign-off to undo on this step.");
  });
});

// ---------- lost updates ----------

describe("no lost updates", () => {
  let runId: string;
  beforeAll(async () => {
    runId = (await rehearsal("Concurrency")).id;
  });

  it("two concurrent 'done' with the same expectedVersion: exactly one wins, the other gets a ConflictError", async () => {
    const s1 = step("1");
    const { version } = await act(team.operator, runId, s1.id, "start");
    const results = await Promise.allSettled([
      act(team.operator, runId, s1.id, "done", { expectedVersion: version, note: "from Olivia" }),
      act(team.operator2, runId, s1.id, "done", { expectedVersion: version, note: "from Otto" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(ConflictError);
    const winner = results[0].status === "fulfilled" ? team.operator : team.operator2;
    expect((lost[0].reason as Error).message).toMatch(new RegExp(`^Already signed off by ${winner.name} at \\d\\d:\\d\\d [A-Z]{3,4}\\. Nothing was changed\\.$`));

    const r = await row(runId, s1.id);
    expect(r).toMatchObject({ status: "DONE", version: version + 1, signedOffById: winner.id, note: `from ${winner.name.split(" ")[0]}` });
    expect(await auditCount(lib, { entityId: r.id, action: "step.done" })).toBe(1);
  });

  it("without expectedVersion, of four concurrent 'done' calls exactly one is applied", async () => {
    const s2 = step("2");
    const actors = [team.operator, team.operator2, team.admin, team.operator];
    const results = await Promise.allSettled(actors.map((a) => act(a, runId, s2.id, "done")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(3);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    const r = await row(runId, s2.id);
    expect(r.version).toBe(2);
    expect(await auditCount(lib, { entityId: r.id, action: "step.done" })).toBe(1);
  });
});

describe("step actions and this process's Prisma writers share the write lock", () => {
  it("a sign-off waits for an open Prisma transaction to commit, then applies; the audit chain stays linear", async () => {
    const runId = (await rehearsal("Shared lock")).id;
    const s1 = step("1");
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    const { appendAuditEvent } = await import("@/lib/audit/service");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signOffSettled = false;
    // A Prisma transaction takes the write lock, then awaits (as real ones do between statements).
    const prismaWriter = runTransaction(async (tx) => {
      await appendAuditEvent(tx, { actor: team.admin, projectId: main.id, runId, action: "test.hold", entityType: "run", entityId: runId, before: null, after: null });
      await held;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const signOff = act(team.operator, runId, s1.id, "done").finally(() => (signOffSettled = true));
    // It waits its turn behind this process's open writer: after a turn of the event loop it is
    // neither applied nor failed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(signOffSettled).toBe(false);
    expect((await lib.prisma.auditEvent.count({ where: { runId, action: "step.done" } }))).toBe(0);
    release();
    await prismaWriter;
    const result = await signOff;
    expect(result.status).toBe("DONE");
    const events = await lib.prisma.auditEvent.findMany({ where: { runId, action: { in: ["test.hold", "step.done"] } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["test.hold", "step.done"]);
    expect(events[1].prevHash).toBe(events[0].hash);
    expect((await row(runId, s1.id)).status).toBe("DONE");
  });
});

// PostgreSQL only: SQLite's driver is synchronous, one query at a time.
describe.skipIf(!TESTS_ON_POSTGRES)("queries Prisma sends together inside a transaction", () => {
  it("go out pipelined on the transaction's connection and are all answered", async () => {
    const runId = (await rehearsal("Concurrent reads")).id;
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    const pg = (await import("pg")).default;
    // Every query sent on a connection that still has one outstanding, and whether that
    // connection pipelines. Without pipelining node-postgres queues it, with a deprecation warning
    // ("already executing a query") that pg 9 turns into an error (lib/platform/db/client.ts).
    const overlapping: boolean[] = [];
    const outstanding = new WeakMap<object, number>();
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: InstanceType<typeof pg.Client>, ...args: unknown[]) {
      const before = outstanding.get(this) ?? 0;
      if (before > 0) overlapping.push((this as unknown as { pipeline: boolean }).pipeline === true);
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result instanceof Promise) {
        outstanding.set(this, before + 1);
        const done = () => outstanding.set(this, (outstanding.get(this) ?? 1) - 1);
        result.then(done, done);
      }
      return result;
    } as typeof original);
    try {
      // Prisma loads a record's relations with one query each, sent together.
      const run = await runTransaction((tx) => tx.run.findUniqueOrThrow({ where: { id: runId }, include: { phases: true, stepRuns: true, gateApprovals: true, startedBy: true } }));
      expect(run.id).toBe(runId);
      expect(run.stepRuns).toHaveLength(await lib.prisma.stepRun.count({ where: { runId } }));
      expect(run.stepRuns.length).toBeGreaterThan(0);
      expect(run.phases.length).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
    expect(overlapping.length).toBeGreaterThanOrEqual(2);
    expect(overlapping.every(Boolean)).toBe(true);
  });
});

// SQLite's single writer: PostgreSQL has many writers and no write turn (lib/platform/db/transaction.ts).
describe.skipIf(TESTS_ON_POSTGRES)("this process's writers take turns in arrival order", () => {
  it("a sign-off queued behind one Prisma writer commits before a Prisma writer that came after it", async () => {
    const runId = (await rehearsal("Turns")).id;
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    const { appendAuditEvent } = await import("@/lib/audit/service");
    const mark = (action: string) => (tx: Parameters<Parameters<typeof runTransaction>[0]>[0]) =>
      appendAuditEvent(tx, { actor: team.admin, projectId: main.id, runId, action, entityType: "run", entityId: runId, before: null, after: null });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = runTransaction(async (tx) => {
      await mark("test.first")(tx);
      await held;
    });
    const signOff = act(team.operator, runId, step("1").id, "done");
    const later = runTransaction(async (tx) => {
      await mark("test.later")(tx);
    });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, signOff, later]);
    const events = await lib.prisma.auditEvent.findMany({ where: { runId, action: { in: ["test.first", "step.done", "test.later"] } }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["test.first", "step.done", "test.later"]);
  });
});

// ---------- idempotency ----------

describe("idempotency keys", () => {
  let runId: string;
  beforeAll(async () => {
    runId = (await rehearsal("Idempotency")).id;
  });

  it("the same key twice is applied once; the second result is a replay", async () => {
    const s1 = step("1");
    const first = await act(team.operator, runId, s1.id, "done", { idempotencyKey: "offline-queue-0001" });
    expect(first.replayed).toBeUndefined();
    const second = await act(team.operator, runId, s1.id, "done", { idempotencyKey: "offline-queue-0001" });
    expect(second).toEqual({ ...first, replayed: true });
    const r = await row(runId, s1.id);
    expect(r).toMatchObject({ status: "DONE", version: 2 });
    expect(await auditCount(lib, { entityId: r.id })).toBe(1);
  });

  it("a key reused by another user → ConflictError, nothing applied", async () => {
    const s2 = step("2");
    const before = await row(runId, s2.id);
    const err = await caught(() => act(team.operator2, runId, s2.id, "start", { idempotencyKey: "offline-queue-0001" }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("That idempotency key belongs to another user.");
    expect(await row(runId, s2.id)).toEqual(before);
  });

  it("a rejected action doesn't burn its key: the corrected retry is applied", async () => {
    const s2 = step("2");
    const rejected = await caught(() => act(team.operator, runId, s2.id, "skip", { idempotencyKey: "offline-queue-0002" }));
    expect(rejected).toBeInstanceOf(ValidationError);
    const retried = await act(team.operator, runId, s2.id, "skip", { idempotencyKey: "offline-queue-0002", reason: "Not needed" });
    expect(retried.replayed).toBeUndefined();
    expect(retried.status).toBe("SKIPPED");
  });
});

// ---------- offline times ----------

describe("offline (occurredAt) times", () => {
  let runId: string;
  let runStartedAt: Date;
  beforeAll(async () => {
    const run = await rehearsal("Offline", { startedAt: new Date(Date.now() - 2 * 3_600_000) });
    runId = run.id;
    runStartedAt = run.startedAt;
  });

  it("a past time within [run start, now] is kept as startedAt / finishedAt", async () => {
    const s1 = step("1");
    const startedAt = new Date(Date.now() - 60 * 60_000);
    const finishedAt = new Date(Date.now() - 20 * 60_000);
    const started = await act(team.operator, runId, s1.id, "start", { occurredAt: startedAt });
    expect(started.startedAt).toBe(startedAt.toISOString());
    const done = await act(team.operator, runId, s1.id, "done", { occurredAt: finishedAt });
    expect(done.finishedAt).toBe(finishedAt.toISOString());
    const r = await row(runId, s1.id);
    expect(r.startedAt).toEqual(startedAt);
    expect(r.finishedAt).toEqual(finishedAt);
    expect(r.signedOffAt).toEqual(finishedAt);
    const event = await lib.prisma.auditEvent.findFirstOrThrow({ where: { entityId: r.id, action: "step.done" } });
    expect(JSON.parse(event.after)).toMatchObject({ offline: true, finishedAt: finishedAt.toISOString() });
  });

  it("more than a minute in the future → ValidationError on occurredAt, nothing changed", async () => {
    const s2 = step("2");
    const before = await row(runId, s2.id);
    const err = await caught(() => act(team.operator, runId, s2.id, "start", { occurredAt: new Date(Date.now() + 5 * 60_000) }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors).toEqual({ occurredAt: ["In the future."] });
    expect(await row(runId, s2.id)).toEqual(before);
  });

  it("a few seconds in the future (clock skew) is accepted and clamped to the server's now", async () => {
    const s2 = step("2");
    const callAt = Date.now();
    const started = await act(team.operator, runId, s2.id, "start", { occurredAt: new Date(callAt + 30_000) });
    const startedAt = Date.parse(started.startedAt!);
    expect(startedAt).toBeGreaterThanOrEqual(callAt);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
  });

  it("before the run started → ValidationError on occurredAt, nothing changed", async () => {
    const s2 = step("2");
    const before = await row(runId, s2.id);
    const err = await caught(() => act(team.operator, runId, s2.id, "done", { occurredAt: new Date(runStartedAt.getTime() - 60_000) }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors).toEqual({ occurredAt: ["Before the run started."] });
    expect(await row(runId, s2.id)).toEqual(before);
  });

  it("a finish time before the step's own start is moved up to the start", async () => {
    const s2 = step("2");
    const { startedAt } = await row(runId, s2.id);
    const done = await act(team.operator, runId, s2.id, "done", { occurredAt: new Date(startedAt!.getTime() - 10 * 60_000) });
    expect(done.finishedAt).toBe(startedAt!.toISOString());
  });
});

// ---------- gates and outcomes ----------

describe("gates and run outcomes", () => {
  let cutover: { id: string };
  let c: (key: string) => PlanStep;
  let cOrdered: PlanStep[];
  let liveRunId: string;
  let earlierRows: unknown[];

  beforeAll(async () => {
    cutover = await createProject(lib, team.admin, { name: "Cutover" });
    ({ get: c, ordered: cOrdered } = await templateSteps(lib, cutover.id));
    await rollBackAtFirstGate(cutover.id);
  });
  const cRange = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => c(String(from + i)));

  it("before a No-Go, rollback steps can't start", async () => {
    liveRunId = (await lib.runs.startRun({ actor: team.admin, projectId: cutover.id, input: { kind: "LIVE", name: "" } })).id;
    const err = await caught(() => act(team.operator, liveRunId, c("R1").id, "start"));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("This step is blocked. Rollback steps run only after a No-Go decision.");
  });

  it("a gate can't be decided while its predecessors are open", async () => {
    const err = await caught(() => decide(team.admin, liveRunId, c("12").id, "GO"));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/^This gate is blocked\. Waiting for /);
    expect((await row(liveRunId, c("12").id)).status).toBe("PENDING");
  });

  it("No-Go switches the run to ROLLBACK; forward steps then can't start", async () => {
    await finish(liveRunId, cRange(1, 11));
    const gate = c("12");
    const decided = await decide(team.admin, liveRunId, gate.id, "NO_GO");
    expect(decided.status).toBe("DONE");
    expect(await row(liveRunId, gate.id)).toMatchObject({ status: "DONE", gateDecision: "NO_GO", decidedById: team.admin.id });
    expect(await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } })).toMatchObject({ mode: "ROLLBACK", status: "ACTIVE" });
    expect(await auditCount(lib, { runId: liveRunId, action: "run.rollback_started" })).toBe(1);

    const forward = await caught(() => act(team.operator, liveRunId, c("13").id, "start"));
    expect(forward).toBeInstanceOf(ConflictError);
    expect(forward.message).toBe("This step is blocked. The run is rolling back; only rollback steps can run.");
    expect((await row(liveRunId, c("13").id)).status).toBe("PENDING");

    const undo = await caught(() => lib.runs.undoSignOff({ actor: team.admin, runId: liveRunId, stepId: gate.id, input: { reason: "changed my mind" } }));
    expect(undo).toBeInstanceOf(ConflictError);
    expect(undo.message).toBe("A No-Go that started the rollback can't be undone.");
  });

  it("rollback steps run in plan order", async () => {
    const err = await caught(() => act(team.operator, liveRunId, c("R2").id, "start"));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe(`This step is blocked. Waiting for rollback step "${c("R1").title}".`);
  });

  it("finishing every rollback step sets the run and the (live) project to ROLLED_BACK", async () => {
    for (const key of ["R1", "R2", "R3", "R4"]) await act(team.operator, liveRunId, c(key).id, "done");
    expect((await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } })).status).toBe("ACTIVE");
    expect((await lib.prisma.project.findUniqueOrThrow({ where: { id: cutover.id } })).status).toBe("LIVE");
    await act(team.operator, liveRunId, c("R5").id, "skip", { reason: "Stakeholders told by phone" });
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } });
    expect(run.status).toBe("ROLLED_BACK");
    expect(run.endedAt).not.toBeNull();
    expect((await lib.prisma.project.findUniqueOrThrow({ where: { id: cutover.id } })).status).toBe("ROLLED_BACK");
    expect(await auditCount(lib, { runId: liveRunId, action: "run.rolled_back" })).toBe(1);

    const ended = await caught(() => act(team.operator, liveRunId, c("13").id, "start"));
    expect(ended).toBeInstanceOf(ConflictError);
    expect(ended.message).toBe("This run has ended; its record can't be changed.");
    const undo = await caught(() => lib.runs.undoSignOff({ actor: team.admin, runId: liveRunId, stepId: c("R1").id, input: { reason: "x" } }));
    expect(undo).toBeInstanceOf(ConflictError);
    expect(undo.message).toBe("This run has ended; its record can't be changed.");
  });

  it("a new run never touches an earlier run's step_run rows", async () => {
    earlierRows = await lib.prisma.stepRun.findMany({ where: { runId: liveRunId }, orderBy: { id: "asc" } });
    const second = await lib.runs.startRun({ actor: team.admin, projectId: cutover.id, input: { kind: "LIVE", name: "" } });
    expect(second.name).toBe("Live cutover 2");
    const fresh = await lib.prisma.stepRun.findMany({ where: { runId: second.id } });
    expect(fresh).toHaveLength(cOrdered.length);
    expect(fresh.every((r) => r.status === "PENDING" && r.version === 1 && r.startedAt === null)).toBe(true);
    const earlierIds = new Set((earlierRows as { id: string }[]).map((r) => r.id));
    expect(fresh.filter((r) => earlierIds.has(r.id))).toEqual([]);

    await act(team.operator, second.id, c("1").id, "start");
    await act(team.operator, second.id, c("1").id, "done");
    expect(await lib.prisma.stepRun.findMany({ where: { runId: liveRunId }, orderBy: { id: "asc" } })).toEqual(earlierRows);
    liveRunId = second.id;
  });

  it("GO closes the gate; finishing every forward step sets the run and the (live) project to COMPLETED", async () => {
    await finish(liveRunId, cRange(2, 11));
    const gate = c("12");
    await decide(team.admin, liveRunId, gate.id, "GO");
    expect(await row(liveRunId, gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedById: team.admin.id, signedOffById: team.admin.id });
    expect((await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } })).mode).toBe("FORWARD");
    const again = await caught(() => decide(team.admin, liveRunId, gate.id, "NO_GO"));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toBe("This gate was already decided by Ada Admin. Nothing was changed.");

    await finish(liveRunId, cRange(13, 29));
    expect((await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } })).status).toBe("ACTIVE");
    await act(team.operator, liveRunId, c("30").id, "done");
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: liveRunId } });
    expect(run).toMatchObject({ status: "COMPLETED", mode: "FORWARD" });
    expect(run.endedAt).not.toBeNull();
    expect((await lib.prisma.project.findUniqueOrThrow({ where: { id: cutover.id } })).status).toBe("COMPLETED");
    expect(await auditCount(lib, { runId: liveRunId, action: "run.complete" })).toBe(1);
    // The rollback steps were never needed and stay pending.
    expect((await row(liveRunId, c("R1").id)).status).toBe("PENDING");
    // ...and the first live run's record is still as it was.
    expect(await lib.prisma.stepRun.findMany({ where: { runId: (earlierRows as { runId: string }[])[0].runId }, orderBy: { id: "asc" } })).toEqual(earlierRows);
  });

  let drillRunId: string;
  it("a rehearsal that rolls back ends ROLLED_BACK but leaves the project's status alone", async () => {
    drillRunId = (await rehearsal("Rollback drill")).id;
    await finish(drillRunId, range(1, 11));
    await decide(team.admin, drillRunId, step("12").id, "NO_GO");
    // A forward step reopened during the rollback is not in the rollback's scope.
    expect(await lib.runs.undoSignOff({ actor: team.admin, runId: drillRunId, stepId: step("11").id, input: { reason: "Copy timing was wrong" } })).toMatchObject({ status: "IN_PROGRESS" });
    for (const key of ["R1", "R2", "R3", "R4", "R5"]) await act(team.operator, drillRunId, step(key).id, "done");
    expect((await lib.prisma.run.findUniqueOrThrow({ where: { id: drillRunId } })).status).toBe("ROLLED_BACK");
    expect((await lib.prisma.project.findUniqueOrThrow({ where: { id: main.id } })).status).toBe("REHEARSAL");
    expect((await row(drillRunId, step("11").id)).status).toBe("IN_PROGRESS");
    expect(ordered.length).toBe(35);
  });

  // Regression (fixed): performStepAction checks "This run has ended." only for PENDING steps
  // or "start" (via blockedReason), so a step still IN_PROGRESS when the run ended can be done,
  // skipped or failed afterwards, changing an ended run's record (undoSignOff refuses that).
  it("an ended run's record can't be changed: closing a step left in progress is refused", async () => {
    const err = await caught(() => act(team.operator, drillRunId, step("11").id, "fail", { reason: "late" }));
    expect(err).toBeInstanceOf(ConflictError);
    expect((await row(drillRunId, step("11").id)).status).toBe("IN_PROGRESS");
  });
});

// ---------- audit chain (keep last: it checks everything written above) ----------

describe("audit chain", () => {
  it("verifies after everything above", async () => {
    const total = await lib.prisma.auditEvent.count();
    expect(total).toBeGreaterThan(100);
    const last = await lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(await lib.audit.verifyAuditChain()).toEqual({ ok: true, count: total, head: last.hash });
  });

  it("tampering one row via raw SQL is reported at that row's seq", async () => {
    const target = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "step.done" }, orderBy: { seq: "asc" }, skip: 5 });
    const raw = db.openRaw();
    try {
      const forged = JSON.stringify({ ...JSON.parse(target.after), note: "forged" });
      expect(raw.prepare(`UPDATE audit_event SET "after" = ? WHERE seq = ?`).run(forged, target.seq).changes).toBe(1);
      expect(await lib.audit.verifyAuditChain()).toEqual({ ok: false, brokenAtSeq: target.seq, reason: "content does not match its hash" });

      // Put it back: the chain verifies again, so it was that row and nothing else.
      raw.prepare(`UPDATE audit_event SET "after" = ? WHERE seq = ?`).run(target.after, target.seq);
      expect((await lib.audit.verifyAuditChain()).ok).toBe(true);

      // Deleting a row breaks the link of the row after it.
      const next = await lib.prisma.auditEvent.findFirstOrThrow({ where: { seq: { gt: target.seq } }, orderBy: { seq: "asc" } });
      raw.prepare(`DELETE FROM audit_event WHERE seq = ?`).run(target.seq);
      expect(await lib.audit.verifyAuditChain()).toEqual({ ok: false, brokenAtSeq: next.seq, reason: "link to the previous event does not match" });
    } finally {
      raw.close();
    }
  });
});
