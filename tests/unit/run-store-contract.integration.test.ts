/**
 * One contract, two databases: the step actions' store (lib/runs/step-store.ts) on SQLite and on
 * PostgreSQL (a real server started for the test) must read and write the same rows the same way.
 * Each scenario runs on both, from the same fixture with the same ids, and the answers are
 * compared with each other as well as with what the test expects; Prisma then reads the rows the
 * stores wrote, as the pages do.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient as SqlitePrisma } from "@/lib/generated/prisma/client";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { ConflictError, NotFoundError } from "@/lib/platform/errors";
import { postgresStepStore, sqliteStepStore, type StepStore } from "@/lib/runs/step-store";
import { insertFleetRowsForRun as insertFleetRowsSqlite } from "@/lib/runs/store.sqlite";
import { insertFleetRowsForRun as insertFleetRowsPostgres } from "@/lib/runs/store.postgres";
import type { Tx } from "@/lib/platform/db/client";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";
import { onBoth as onBothSides, openPostgresSide, openSqliteSide, type PostgresSide } from "./helpers/two-databases";

// Store modules reach the auth module (and through it this process's SQLite client) on import:
// point that at a throw-away file, not ./data (vi.hoisted runs before the imports).
await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("store-contract"));

/** One database under test: its Prisma client (fixtures, read-back) and a transaction over its store. */
interface Dialect {
  name: "sqlite" | "postgresql";
  prisma: SqlitePrisma;
  inTransaction<T>(fn: (store: StepStore) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

let server: PostgresServer;
/** The PostgreSQL side's pool, for the scenarios that look at one dialect's round trips. */
let postgresPool: PostgresSide["pool"];

async function openSqlite(): Promise<Dialect> {
  const side = await openSqliteSide();
  const { db } = side;
  return {
    ...side,
    // The app runs SQLite's store synchronously inside BEGIN IMMEDIATE; the same, spelled out, so
    // the contract's scenarios can be written once with await.
    async inTransaction(fn) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(sqliteStepStore({ db, touchedProjects: new Set() }));
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    },
  };
}

async function openPostgres(): Promise<Dialect> {
  const side = await openPostgresSide(server);
  postgresPool = side.pool;
  return { ...side, inTransaction: (fn) => runPgTransaction(side.pool, (tx) => fn(postgresStepStore(tx))) };
}

const T0 = new Date("2026-12-05T21:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** A live cutover in progress: A → B → gate G (four-eyes), a fleet step F after A, one rollback step. */
async function seedRun(prisma: SqlitePrisma, runId = "run-1", kind: "LIVE" | "REHEARSAL" = "LIVE") {
  if (!(await prisma.user.findUnique({ where: { id: "u-olivia" } }))) {
    await prisma.user.create({ data: { id: "u-olivia", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
    await prisma.user.create({ data: { id: "u-raj", name: "Raj Patel", email: "raj@example.test", role: "OPERATOR" } });
    await prisma.project.create({
      data: { id: "project-1", name: "Move nbu-master-01", sourceHost: "nbu-master-01", targetHost: "nbu-master-02", timezone: "Europe/Berlin", windowStart: T0, windowEnd: minutes(480), status: "LIVE" },
    });
    for (const [id, hostname] of [["c-1", "app01"], ["c-2", "db01"], ["c-3", "web01"]]) await prisma.fleetClient.create({ data: { id, projectId: "project-1", hostname } });
  }
  await prisma.run.create({ data: { id: runId, projectId: "project-1", kind, name: `Cutover ${runId}`, windowStart: T0, windowEnd: minutes(480), startedAt: T0 } });
  await prisma.runPhase.create({ data: { id: `${runId}-ph-1`, runId, phaseId: "phase-1", position: 1, title: "Move" } });
  await prisma.runPhase.create({ data: { id: `${runId}-ph-9`, runId, phaseId: "phase-9", position: 9, title: "Roll back" } });
  const step = (stepId: string, data: Record<string, unknown>) =>
    prisma.stepRun.create({ data: { id: `${runId}-${stepId}`, runId, stepId, runPhaseId: `${runId}-ph-1`, title: `Step ${stepId}`, plannedMinutes: 10, ...data } as never });
  await step("A", { position: 1, assigneeId: "u-olivia", assigneeName: "Olivia Chen" });
  await step("B", { position: 2, predecessorIds: JSON.stringify(["A"]) });
  await step("F", { position: 3, predecessorIds: JSON.stringify(["A"]), isFleet: true, fleetAction: "UPDATE_BPCONF" });
  await step("G", { position: 4, predecessorIds: JSON.stringify(["B"]), kind: "GATE", fourEyes: true, gateApprovers: JSON.stringify([{ kind: "role", role: "OPERATOR" }]) });
  await step("R", { position: 1, kind: "ROLLBACK", runPhaseId: `${runId}-ph-9` });
  for (const [clientId, status] of [["c-1", "UPDATED"], ["c-2", "VERIFIED"], ["c-3", "FAILED"]] as const) {
    await prisma.fleetClientRun.create({ data: { id: `${runId}-f-${clientId}`, runId, stepId: "F", clientId, status } });
  }
}

let dialects: Dialect[];

beforeAll(async () => {
  server = await startPostgres();
  dialects = [await openSqlite(), await openPostgres()];
  for (const d of dialects) {
    await seedRun(d.prisma);
    await seedRun(d.prisma, "run-2", "REHEARSAL");
  }
}, 60_000);

afterAll(async () => {
  for (const d of dialects ?? []) await d.close();
  await server?.stop();
});

/** Runs `scenario` on both databases and requires the same answer (./helpers/two-databases.ts). */
const onBoth = <T>(scenario: (d: Dialect) => Promise<T>) => onBothSides(dialects, scenario);

describe("the step store contract (SQLite and PostgreSQL)", () => {
  it("loads a step run with its step and run facts, and refuses one that doesn't exist", async () => {
    const loaded = await onBoth((d) => d.inTransaction(async (store) => store.loadStepRun("run-1", "G")));
    expect(loaded).toMatchObject({
      id: "run-1-G",
      status: "PENDING",
      version: 1,
      startedAt: null,
      held: null,
      step: { kind: "GATE", predecessorIds: ["B"], isFleet: false, fourEyes: true, gateApprovers: [{ kind: "role", role: "OPERATOR" }], requiredFields: [] },
      run: { status: "ACTIVE", mode: "FORWARD", kind: "LIVE", startedAt: T0, projectId: "project-1", timezone: "Europe/Berlin" },
    });
    for (const d of dialects) await expect(d.inTransaction((store) => Promise.resolve(store.loadStepRun("run-1", "nope")))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("updates a step run only at the version that was read, and Prisma reads back what was written", async () => {
    const started = await onBoth((d) =>
      d.inTransaction(async (store) => {
        const current = await store.loadStepRun("run-1", "A");
        const next = { ...current, status: "IN_PROGRESS" as const, startedAt: minutes(5), startedById: "u-olivia", startedByName: "Olivia Chen" };
        const first = await store.updateStepRun(current, next);
        const stale = await store.updateStepRun(current, next); // the same version again: someone else's click
        return { first, stale };
      }),
    );
    expect(started.first).toMatchObject({ status: "IN_PROGRESS", version: 2, startedAt: minutes(5), startedByName: "Olivia Chen" });
    expect(started.stale).toBeNull();
    for (const d of dialects) {
      const row = await d.prisma.stepRun.findUniqueOrThrow({ where: { id: "run-1-A" } });
      expect({ dialect: d.name, status: row.status, version: row.version, startedAt: row.startedAt }).toEqual({ dialect: d.name, status: "IN_PROGRESS", version: 2, startedAt: minutes(5) });
    }
  });

  it("a failed transaction leaves nothing behind", async () => {
    for (const d of dialects) {
      await expect(
        d.inTransaction(async (store) => {
          const current = await store.loadStepRun("run-1", "B");
          await store.updateStepRun(current, { ...current, status: "IN_PROGRESS", startedAt: minutes(6) });
          throw new Error("the audit append failed");
        }),
      ).rejects.toThrow("the audit append failed");
      expect((await d.prisma.stepRun.findUniqueOrThrow({ where: { id: "run-1-B" } })).status).toBe("PENDING");
    }
  });

  it("reads what the blocked-step rule needs: predecessors, or the run's rollback steps", async () => {
    const blocking = await onBoth((d) =>
      d.inTransaction(async (store) => {
        const b = await store.loadBlockingSteps(await store.loadStepRun("run-1", "B"));
        const r = await store.loadBlockingSteps(await store.loadStepRun("run-1", "R"));
        const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
        return { b: { ...b, related: [...b.related].sort(byId) }, r };
      }),
    );
    expect(blocking.b.predecessorIds).toEqual(["A"]);
    expect(blocking.b.related).toEqual([
      { id: "A", status: "IN_PROGRESS", title: "Step A", kind: "TASK", position: 1, phasePosition: 1 },
      { id: "B", status: "PENDING", title: "Step B", kind: "TASK", position: 2, phasePosition: 1 },
    ]);
    expect(blocking.r.related).toEqual([{ id: "R", status: "PENDING", title: "Step R", kind: "ROLLBACK", position: 1, phasePosition: 9 }]);

    // On PostgreSQL a step action's store (one with an actor) fetched the same rows with the step
    // run, and answers from them without another query.
    const prefetched = await runPgTransaction(postgresPool, async (tx) => {
      const store = postgresStepStore(tx, { actorId: "u-olivia" });
      const [stepB, stepR] = [await store.loadStepRun("run-1", "B"), await store.loadStepRun("run-1", "R")];
      const query = vi.spyOn(tx.client, "query");
      const b = await store.loadBlockingSteps(stepB);
      const r = await store.loadBlockingSteps(stepR);
      const queries = query.mock.calls.length;
      query.mockRestore();
      return { b: { ...b, related: [...b.related].sort((x, y) => x.id.localeCompare(y.id)) }, r, queries };
    });
    expect(prefetched).toEqual({ ...blocking, queries: 0 });
  });

  it("counts a fleet step's clients and lists the ones not done, failed first", async () => {
    const outcome = await onBoth((d) => d.inTransaction(async (store) => store.loadFleetOutcome({ runId: "run-1", stepId: "F", action: "UPDATE_BPCONF", doneStatuses: ["UPDATED", "VERIFIED"], listLimit: 10 })));
    expect(outcome).toEqual({ action: "UPDATE_BPCONF", total: 3, done: 2, counts: { PENDING: 0, UPDATED: 1, VERIFIED: 1, FAILED: 1 }, exceptions: [{ hostname: "web01", status: "FAILED" }] });
    const verifiedOnly = await onBoth((d) => d.inTransaction(async (store) => store.loadFleetOutcome({ runId: "run-1", stepId: "F", action: "CHECK_CONNECTIVITY", doneStatuses: ["VERIFIED"], listLimit: 1 })));
    expect(verifiedOnly).toMatchObject({ done: 1, exceptions: [{ hostname: "web01", status: "FAILED" }] });
  });

  it("counts the run's unfinished steps in its current scope", async () => {
    const progress = await onBoth((d) => d.inTransaction(async (store) => store.loadRunProgress("run-1")));
    expect(progress).toEqual({ run: { id: "run-1", projectId: "project-1", kind: "LIVE", status: "ACTIVE", mode: "FORWARD" }, inScope: 4, unfinished: 4 });
    expect(await onBoth((d) => d.inTransaction(async (store) => store.loadRunProgress("no-such-run")))).toBeNull();
  });

  it("on PostgreSQL, a step run loaded for its actor answers that actor's access check from the same round trip, with what the access query reads", async () => {
    for (const d of dialects) {
      await d.prisma.setting.upsert({ where: { key: "projectVisibility" }, create: { key: "projectVisibility", value: "members" }, update: { value: "members" } });
      await d.prisma.projectMember.create({ data: { projectId: "project-1", userId: "u-raj", role: "VIEWER" } });
    }
    try {
      // (SQLite's store reads access on the app's own connection, not this test's file, so this one is PostgreSQL's alone.)
      const postgres = dialects.find((d) => d.name === "postgresql")!;
      const direct = await postgres.inTransaction(async (store) => [await store.readProjectAccess("u-raj", "project-1"), await store.readProjectAccess("u-olivia", "project-1")]);
      expect(direct).toEqual([
        { visibility: "members", memberRole: "VIEWER" },
        { visibility: "members", memberRole: null },
      ]);
      const prefetched = await runPgTransaction(postgresPool, async (tx) => {
        const store = postgresStepStore(tx, { actorId: "u-raj" });
        await store.loadStepRun("run-1", "G");
        const query = vi.spyOn(tx.client, "query");
        const raj = await store.readProjectAccess("u-raj", "project-1");
        const queriesForRaj = query.mock.calls.length;
        // Anyone else, or another project, is read as before.
        const olivia = await store.readProjectAccess("u-olivia", "project-1");
        const other = await store.readProjectAccess("u-raj", "project-2");
        const queriesInAll = query.mock.calls.length;
        query.mockRestore();
        return { raj, olivia, other, queriesForRaj, queriesInAll };
      });
      expect(prefetched).toEqual({ raj: direct[0], olivia: direct[1], other: { visibility: "members", memberRole: null }, queriesForRaj: 0, queriesInAll: 2 });
    } finally {
      for (const d of dialects) {
        await d.prisma.projectMember.deleteMany({ where: { projectId: "project-1" } });
      }
    }
  });

  it("keeps gate approvals, revokes them, holds a gate at its version and names who worked the gated steps", async () => {
    const gate = await onBoth((d) =>
      d.inTransaction(async (store) => {
        await store.insertGateApproval({ runId: "run-1", stepId: "G", slot: 1, decision: "GO", userId: "u-raj", userName: "Raj Patel", note: "catalog verified", at: minutes(30) });
        await store.insertGateApproval({ runId: "run-1", stepId: "G", slot: null, decision: "HOLD", userId: "u-olivia", userName: "Olivia Chen", note: "", at: minutes(31) });
        const listed = (await store.listGateApprovals("run-1", "G")).map(({ id: _id, ...rest }) => rest);
        await store.revokeGateApprovals("run-1", "G", minutes(32));
        const afterRevoke = await store.listGateApprovals("run-1", "G");
        const current = await store.loadStepRun("run-1", "G");
        const held = await store.holdGate(current, { at: minutes(33), by: "Raj Patel", note: "waiting for the tape library" });
        const heldAgain = await store.holdGate(current, { at: minutes(34), by: "Olivia Chen", note: "" });
        const touched = await store.touchStepRun({ id: current.id, version: current.version + 1 });
        const reloaded = await store.loadStepRun("run-1", "G");
        const people = [...(await store.gatedStepPeople("run-1", ["A", "B"]))];
        const nobody = [...(await store.gatedStepPeople("run-1", []))];
        return { listed, afterRevoke, held, heldAgain, touched, version: reloaded.version, hold: reloaded.held, people, nobody };
      }),
    );
    expect(gate.listed).toEqual([
      { slot: 1, decision: "GO", userId: "u-raj", userName: "Raj Patel", note: "catalog verified", at: "2026-12-05T21:30:00.000+00:00" },
      { slot: null, decision: "HOLD", userId: "u-olivia", userName: "Olivia Chen", note: "", at: "2026-12-05T21:31:00.000+00:00" },
    ]);
    expect(gate).toMatchObject({ afterRevoke: [], held: true, heldAgain: false, touched: true, version: 3, hold: { at: minutes(33), by: "Raj Patel", note: "waiting for the tape library" }, people: ["u-olivia"], nobody: [] });
  });

  it("replays an idempotency key to the user who used it, and refuses it to anyone else", async () => {
    const replay = await onBoth((d) =>
      d.inTransaction(async (store) => {
        const before = await store.replayIfSeen("key-1", "u-olivia");
        await store.rememberResult({ key: "key-1", userId: "u-olivia", runId: "run-1", result: { stepId: "A", status: "DONE", version: 3 } });
        await store.rememberResult({ key: undefined, userId: "u-olivia", runId: "run-1", result: { ignored: true } });
        const after = await store.replayIfSeen("key-1", "u-olivia");
        const noKey = await store.replayIfSeen(undefined, "u-olivia");
        return { before, after, noKey };
      }),
    );
    expect(replay).toEqual({ before: null, after: { stepId: "A", status: "DONE", version: 3, replayed: true }, noKey: null });
    for (const d of dialects) {
      await expect(d.inTransaction(async (store) => store.replayIfSeen("key-1", "u-raj"))).rejects.toBeInstanceOf(ConflictError);
      expect(await d.prisma.idempotencyKey.count()).toBe(1);
    }
  });

  it("switches a run to rollback, ends it, and moves the project's status with it", async () => {
    const ended = await onBoth(async (d) => {
      await d.inTransaction(async (store) => store.switchRunToRollback("run-1"));
      const inRollback = await d.inTransaction(async (store) => store.loadRunProgress("run-1"));
      await d.inTransaction(async (store) => store.endRun({ id: "run-1", projectId: "project-1", kind: "LIVE" }, "ROLLED_BACK", minutes(120)));
      const run = await d.prisma.run.findUniqueOrThrow({ where: { id: "run-1" } });
      const project = await d.prisma.project.findUniqueOrThrow({ where: { id: "project-1" } });
      return { inRollback: inRollback && { mode: inRollback.run.mode, inScope: inRollback.inScope }, run: { status: run.status, mode: run.mode, endedAt: run.endedAt }, project: project.status };
    });
    expect(ended).toEqual({ inRollback: { mode: "ROLLBACK", inScope: 1 }, run: { status: "ROLLED_BACK", mode: "ROLLBACK", endedAt: minutes(120) }, project: "ROLLED_BACK" });
  });

  it("aborts a rehearsal with its reason, and the project goes back to planning once no run is active", async () => {
    const aborted = await onBoth(async (d) => {
      await d.prisma.project.update({ where: { id: "project-1" }, data: { status: "REHEARSAL" } });
      await d.inTransaction(async (store) => store.abortRun({ id: "run-2", projectId: "project-1", kind: "REHEARSAL" }, { at: minutes(200), reason: "No-Go at the catalog gate", byId: "u-raj", byName: "Raj Patel" }));
      const run = await d.prisma.run.findUniqueOrThrow({ where: { id: "run-2" } });
      const project = await d.prisma.project.findUniqueOrThrow({ where: { id: "project-1" } });
      return { status: run.status, endedAt: run.endedAt, endReason: run.endReason, endedByName: run.endedByName, project: project.status };
    });
    expect(aborted).toEqual({ status: "ABORTED", endedAt: minutes(200), endReason: "No-Go at the catalog gate", endedByName: "Raj Patel", project: "PLANNING" });
  });

  it("on PostgreSQL, of two transactions updating the same step at once exactly one wins (the row lock and the version)", async () => {
    const postgres = dialects.find((d) => d.name === "postgresql")!;
    let bothRead!: () => void;
    const read = new Promise<void>((resolve) => (bothRead = resolve));
    let readers = 0;
    const tick = (who: string) =>
      postgres.inTransaction(async (store) => {
        const current = await store.loadStepRun("run-2", "A");
        if (++readers === 2) bothRead();
        await read; // both have read version 1 before either writes
        return store.updateStepRun(current, { ...current, status: "IN_PROGRESS", startedAt: minutes(7), startedById: null, startedByName: who });
      });
    const results = await Promise.all([tick("Olivia Chen"), tick("Raj Patel")]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const row = await postgres.prisma.stepRun.findUniqueOrThrow({ where: { id: "run-2-A" } });
    expect(row.version).toBe(2);
    expect(row.startedByName).toBe(results.find((r) => r !== null)!.startedByName);
  });

  it("creates a pending fleet row per client for each fleet step of a new run, leaving out the clients it is told to", async () => {
    const rows = await onBoth(async (d) => {
      await d.prisma.run.create({ data: { id: "run-3", projectId: "project-1", kind: "REHEARSAL", name: "Cutover run-3", windowStart: T0, windowEnd: minutes(480), startedAt: T0 } });
      const insert = d.name === "sqlite" ? insertFleetRowsSqlite : insertFleetRowsPostgres;
      const tx = d.prisma as unknown as Tx;
      const counts = [
        await insert(tx, { runId: "run-3", projectId: "project-1", stepIds: ["F1", "F2"] }),
        await insert(tx, { runId: "run-3", projectId: "project-1", stepIds: ["F3"], excludeClientIds: ["c-2"] }),
        await insert(tx, { runId: "run-3", projectId: "project-1", stepIds: [] }),
      ];
      const created = await d.prisma.fleetClientRun.findMany({ where: { runId: "run-3" }, orderBy: [{ stepId: "asc" }, { clientId: "asc" }], select: { id: true, stepId: true, clientId: true, status: true, version: true } });
      expect(new Set(created.map((r) => r.id)).size).toBe(created.length);
      expect(created.every((r) => /^[0-9a-f]{24}$/.test(r.id))).toBe(true);
      return { counts, rows: created.map(({ id: _id, ...rest }) => rest) };
    });
    expect(rows.counts).toEqual([6, 2, 0]);
    expect(rows.rows.map((r) => `${r.stepId}:${r.clientId}:${r.status}:${r.version}`)).toEqual([
      "F1:c-1:PENDING:1", "F1:c-2:PENDING:1", "F1:c-3:PENDING:1",
      "F2:c-1:PENDING:1", "F2:c-2:PENDING:1", "F2:c-3:PENDING:1",
      "F3:c-1:PENDING:1", "F3:c-3:PENDING:1",
    ]);
  });
});
