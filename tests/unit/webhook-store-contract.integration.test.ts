/**
 * The webhook dispatcher's SQL on SQLite and PostgreSQL (a real server started for the test), held
 * to one contract: the outbox cursor's compare-and-set, exactly one delivery per event, leases,
 * attempts and the endpoint that disables itself with an audit event. On PostgreSQL, two
 * dispatchers claiming at once split the due deliveries instead of leasing the same ones.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as sqliteStore from "@/lib/webhooks/store.sqlite";
import * as postgresStore from "@/lib/webhooks/store.postgres";
import { insertAuditEventSql } from "@/lib/audit/store.sqlite";
import { insertAuditEventPg } from "@/lib/audit/store.postgres";
import type { AuditInput } from "@/lib/audit/chain";
import { runPgTransaction, type PgTx } from "@/lib/platform/db/transaction-postgres";
import type { SqlTx } from "@/lib/platform/db/transaction";
import { onBoth as onBothSides, openBothSides, type Side } from "./helpers/two-databases";

// The SQLite store reads through this process's own connection (DATABASE_URL): make that the
// contract's SQLite file (vi.hoisted runs before the imports).
const sqliteFile = await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("webhook-contract"));

let sides: Side[];
const onBoth = <T>(scenario: (side: Side) => Promise<T>) => onBothSides(sides, scenario);

const T0 = new Date("2026-12-05T21:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** One transaction on either side, with the side's own transaction object. */
async function inTx<T>(side: Side, sqlite: (tx: SqlTx) => T, postgres: (tx: PgTx) => Promise<T>): Promise<T> {
  if (side.name === "sqlite") {
    const { db } = side;
    return db.transaction(() => sqlite({ db, touchedProjects: new Set() })).immediate();
  }
  return runPgTransaction(side.pool, postgres);
}

const audit = (action: string, entityType: string, entityId: string): AuditInput => ({ actor: { id: "u-olivia", name: "Olivia Chen" }, projectId: "project-1", runId: "run-1", action, entityType, entityId, before: null, after: { status: "DONE" } });

async function seed(side: Side) {
  const { prisma } = side;
  await prisma.user.create({ data: { id: "u-olivia", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
  await prisma.project.create({ data: { id: "project-1", name: "Move nbu-master-01", sourceHost: "a", targetHost: "b", timezone: "Europe/Berlin", windowStart: T0, windowEnd: at(480) } });
  await prisma.run.create({ data: { id: "run-1", projectId: "project-1", kind: "LIVE", name: "Cutover", windowStart: T0, windowEnd: at(480), startedAt: T0 } });
  await prisma.runPhase.create({ data: { id: "ph-1", runId: "run-1", phaseId: "phase-1", position: 1, title: "Move" } });
  await prisma.stepRun.create({ data: { id: "sr-a", runId: "run-1", stepId: "A", runPhaseId: "ph-1", position: 1, title: "Copy the catalog", plannedMinutes: 90, status: "DONE", startedAt: T0, finishedAt: at(95) } });
  await prisma.stepRun.create({ data: { id: "sr-b", runId: "run-1", stepId: "B", runPhaseId: "ph-1", position: 2, title: "Update bp.conf", plannedMinutes: 30, predecessorIds: JSON.stringify(["A"]) } });
  await prisma.webhookEndpoint.create({ data: { id: "e-1", projectId: "project-1", name: "Slack #cutover", url: "https://hooks.example.test/1", secret: "whsec_x", events: JSON.stringify(["step.done"]) } });
  await prisma.webhookEndpoint.create({ data: { id: "e-off", projectId: "project-1", name: "Old", url: "https://hooks.example.test/2", secret: "whsec_y", enabled: false } });
  // The same audit events, at the same (frozen) time on both sides, so their rows compare equal.
  vi.useFakeTimers({ toFake: ["Date"], now: at(95) });
  try {
    for (const [action, type, id] of [["step.start", "step_run", "sr-a"], ["step.done", "step_run", "sr-a"], ["fleet.update", "fleet_step", "B"]]) {
      await inTx(side, (tx) => insertAuditEventSql(tx, audit(action, type, id)), (tx) => insertAuditEventPg(tx, audit(action, type, id)));
    }
  } finally {
    vi.useRealTimers();
  }
}

let closeSides: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const both = await openBothSides({ sqliteFile, seed });
  sides = both.sides;
  closeSides = both.close;
}, 60_000);
afterAll(() => closeSides?.());

describe("the webhook store contract (SQLite and PostgreSQL)", () => {
  it("lists enabled endpoints and reads the project's audit events after a cursor", async () => {
    const read = await onBoth(async (side) => {
      const s = side.name === "sqlite";
      return {
        endpoints: s ? sqliteStore.listActiveEndpointsSql() : await postgresStore.listActiveEndpoints(side.pool),
        all: s ? sqliteStore.readAuditAfterSql({ projectId: "project-1", afterSeq: 0, limit: 10 }) : await postgresStore.readAuditAfter(side.pool, { projectId: "project-1", afterSeq: 0, limit: 10 }),
        page: s ? sqliteStore.readAuditAfterSql({ projectId: "project-1", afterSeq: 1, limit: 1 }) : await postgresStore.readAuditAfter(side.pool, { projectId: "project-1", afterSeq: 1, limit: 1 }),
      };
    });
    expect(read.endpoints).toEqual([{ id: "e-1", projectId: "project-1", cursorSeq: 0, events: '["step.done"]', preset: "STANDARD" }]);
    expect(read.all.map((e) => [e.seq, e.action, e.at])).toEqual([
      [1, "step.start", "2026-12-05T22:35:00.000+00:00"],
      [2, "step.done", "2026-12-05T22:35:00.000+00:00"],
      [3, "fleet.update", "2026-12-05T22:35:00.000+00:00"],
    ]);
    expect(read.page.map((e) => e.seq)).toEqual([2]);
  });

  it("moves the cursor by compare-and-set and writes each event's delivery once", async () => {
    const deliveries = [
      { id: "d-1", auditSeq: 2, eventType: "step.done", payload: '{"n":1}' },
      { id: "d-2", auditSeq: 3, eventType: "fleet.update", payload: '{"n":2}' },
    ];
    const moved = await onBoth(async (side) => {
      const commit = (options: Parameters<typeof sqliteStore.commitOutboxBatchSql>[1]) =>
        inTx(side, (tx) => sqliteStore.commitOutboxBatchSql(tx, options), (tx) => postgresStore.commitOutboxBatch(tx, options));
      const first = await commit({ endpointId: "e-1", fromSeq: 0, toSeq: 3, deliveries, now: at(96) });
      const stale = await commit({ endpointId: "e-1", fromSeq: 0, toSeq: 3, deliveries: [{ ...deliveries[0], id: "d-stale" }], now: at(96) });
      const duplicate = await commit({ endpointId: "e-1", fromSeq: 3, toSeq: 3, deliveries: [{ ...deliveries[0], id: "d-dup" }], now: at(96) });
      const disabled = await commit({ endpointId: "e-off", fromSeq: 0, toSeq: 3, deliveries: [], now: at(96) });
      const rows = await side.prisma.webhookDelivery.findMany({ orderBy: { id: "asc" }, select: { id: true, auditSeq: true, status: true, nextAttemptAt: true } });
      const cursor = (await side.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: "e-1" } })).cursorSeq;
      return { first, stale, duplicate, disabled, rows, cursor };
    });
    expect(moved).toEqual({
      first: true,
      stale: false,
      duplicate: true,
      disabled: false,
      rows: [
        { id: "d-1", auditSeq: 2, status: "PENDING", nextAttemptAt: at(96) },
        { id: "d-2", auditSeq: 3, status: "PENDING", nextAttemptAt: at(96) },
      ],
      cursor: 3,
    });
  });

  it("leases due deliveries so they aren't claimed again before the lease runs out", async () => {
    const claimed = await onBoth(async (side) => {
      const claim = (now: Date) =>
        inTx(side, (tx) => sqliteStore.claimDueDeliveriesSql(tx, { now, leaseUntil: at(101), limit: 10 }), (tx) => postgresStore.claimDueDeliveries(tx, { now, leaseUntil: at(101), limit: 10 }));
      const first = await claim(at(97));
      const again = await claim(at(97));
      const next = side.name === "sqlite" ? sqliteStore.nextDueAtSql() : await postgresStore.nextDueAt(side.pool);
      return { first: first.map(({ id, attempts, url, allowPrivateNetwork }) => ({ id, attempts, url, allowPrivateNetwork })), again, next };
    });
    expect(claimed).toEqual({
      first: [
        { id: "d-1", attempts: 0, url: "https://hooks.example.test/1", allowPrivateNetwork: 0 },
        { id: "d-2", attempts: 0, url: "https://hooks.example.test/1", allowPrivateNetwork: 0 },
      ],
      again: [],
      next: "2026-12-05T22:41:00.000+00:00",
    });
  });

  it("records attempts: delivered, failed for good (disabling the endpoint, with an audit event), and a repeat changes nothing", async () => {
    const recorded = await onBoth(async (side) => {
      const record = (outcome: Parameters<typeof sqliteStore.recordAttemptSql>[1]) =>
        inTx(
          side,
          (tx) => sqliteStore.recordAttemptSql(tx, outcome, { disableAfter: 1, notice: (n) => `${n} deliveries failed in a row` }),
          (tx) => postgresStore.recordAttempt(tx, outcome, { disableAfter: 1, notice: (n) => `${n} deliveries failed in a row` }),
        );
      const base = { endpointId: "e-1", at: at(98), durationMs: 120, responseExcerpt: "" };
      const delivered = await record({ ...base, deliveryId: "d-1", attemptId: "a-1", statusCode: 200, error: "", delivered: true, nextAttemptAt: null });
      const failed = await record({ ...base, deliveryId: "d-2", attemptId: "a-2", statusCode: 500, error: "HTTP 500", delivered: false, nextAttemptAt: null });
      const repeat = await record({ ...base, deliveryId: "d-2", attemptId: "a-3", statusCode: 500, error: "HTTP 500", delivered: false, nextAttemptAt: null });
      const endpoint = await side.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: "e-1" }, select: { enabled: true, disabledAt: true, disabledReason: true, consecutiveFailures: true } });
      const deliveriesNow = await side.prisma.webhookDelivery.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, attempts: true, lastStatus: true, deliveredAt: true } });
      const attempts = await side.prisma.webhookAttempt.count();
      const disabledEvent = await side.prisma.auditEvent.findFirst({ where: { action: "webhook.endpoint_disabled" }, select: { actorName: true, entityId: true, after: true } });
      return { delivered, failed, repeat, endpoint, deliveriesNow, attempts, disabledEvent };
    });
    expect(recorded).toMatchObject({
      delivered: { disabled: false },
      failed: { disabled: true },
      repeat: { disabled: false },
      endpoint: { enabled: false, disabledAt: at(98), disabledReason: "1 deliveries failed in a row", consecutiveFailures: 1 },
      deliveriesNow: [
        { id: "d-1", status: "DELIVERED", attempts: 1, lastStatus: 200, deliveredAt: at(98) },
        { id: "d-2", status: "FAILED", attempts: 1, lastStatus: 500, deliveredAt: null },
      ],
      attempts: 2,
      disabledEvent: { actorName: "system", entityId: "e-1" },
    });
  });

  it("reads what a message needs: the step an event is about, the project, the run and its steps in order", async () => {
    const read = await onBoth(async (side) => {
      if (side.name === "sqlite") {
        return {
          steps: [sqliteStore.stepIdOfEntitySql("step_run", "sr-a"), sqliteStore.stepIdOfEntitySql("fleet_step", "B"), sqliteStore.stepIdOfEntitySql("project", "project-1"), sqliteStore.stepIdOfEntitySql("step_run", "nope")],
          project: sqliteStore.readProjectSql("project-1"),
          run: sqliteStore.readRunForWebhookSql("run-1"),
          noRun: sqliteStore.readRunForWebhookSql("nope"),
        };
      }
      return {
        steps: [await postgresStore.stepIdOfEntity(side.pool, "step_run", "sr-a"), await postgresStore.stepIdOfEntity(side.pool, "fleet_step", "B"), await postgresStore.stepIdOfEntity(side.pool, "project", "project-1"), await postgresStore.stepIdOfEntity(side.pool, "step_run", "nope")],
        project: await postgresStore.readProject(side.pool, "project-1"),
        run: await postgresStore.readRunForWebhook(side.pool, "run-1"),
        noRun: await postgresStore.readRunForWebhook(side.pool, "nope"),
      };
    });
    expect(read.steps).toEqual(["A", "B", null, null]);
    expect(read.project).toEqual({ id: "project-1", name: "Move nbu-master-01", timezone: "Europe/Berlin" });
    expect(read.run?.run).toEqual({ id: "run-1", name: "Cutover", kind: "LIVE", status: "ACTIVE", mode: "FORWARD", windowStart: "2026-12-05T21:00:00.000+00:00", windowEnd: "2026-12-06T05:00:00.000+00:00" });
    expect(read.run?.steps.map((s) => [s.id, s.status, s.startedAt, s.inWindow])).toEqual([
      ["A", "DONE", "2026-12-05T21:00:00.000+00:00", 1],
      ["B", "PENDING", null, 1],
    ]);
    expect(read.noRun).toBeNull();
  });

  it("on PostgreSQL, two dispatchers claiming at once split the due deliveries between them", async () => {
    const postgres = sides.find((s) => s.name === "postgresql")!;
    if (postgres.name !== "postgresql") throw new Error("no PostgreSQL side");
    await postgres.prisma.webhookEndpoint.update({ where: { id: "e-1" }, data: { enabled: true } });
    for (const n of [1, 2, 3, 4]) await postgres.prisma.webhookDelivery.create({ data: { id: `due-${n}`, endpointId: "e-1", eventType: "step.done", payload: "{}", nextAttemptAt: at(100) } });
    let bothClaimed!: () => void;
    const claimedBoth = new Promise<void>((resolve) => (bothClaimed = resolve));
    let claimed = 0;
    const dispatcher = () =>
      runPgTransaction(postgres.pool, async (tx) => {
        const rows = await postgresStore.claimDueDeliveries(tx, { now: at(200), leaseUntil: at(300), limit: 3 });
        if (++claimed === 2) bothClaimed();
        await claimedBoth; // both hold their claims at the same time
        return rows.map((r) => r.id);
      });
    const [a, b] = await Promise.all([dispatcher(), dispatcher()]);
    expect([...a, ...b].sort()).toEqual(["due-1", "due-2", "due-3", "due-4"]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });
});
