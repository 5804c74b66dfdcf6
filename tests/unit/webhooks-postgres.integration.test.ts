/**
 * The webhook dispatcher on PostgreSQL (a real server started for the test) with its PostgreSQL
 * store (lib/webhooks/webhook-store.ts): step actions committed on PostgreSQL become signed
 * deliveries at a real HTTP receiver on loopback, exactly once each, with the step's number and
 * the run's forecast; an endpoint that keeps failing is retried, then disabled with an audit event.
 */
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActingUser } from "@/lib/platform/auth/permissions";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { stepActionFlow } from "@/lib/runs/service";
import { runStepFlowAsync } from "@/lib/runs/step-flow";
import { postgresStepStore } from "@/lib/runs/step-store";
import { postgresWebhookStore } from "@/lib/webhooks/webhook-store";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";
import { openPostgresSide, type PostgresSide } from "./helpers/two-databases";

// The dispatcher's modules open this process's SQLite client on import: a throw-away file, not ./data.
await vi.hoisted(async () => {
  (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("webhooks-pg");
  // A compressed Standard Webhooks schedule: 3 attempts in all; the second failed delivery disables.
  process.env.RUNSHEET_WEBHOOK_RETRY_SCHEDULE_MS = "50,100";
  process.env.RUNSHEET_WEBHOOK_DISABLE_AFTER = "2";
});

let server: PostgresServer;
let side: PostgresSide;
let pool: pg.Pool;
let receiver: WebhookReceiver;
let dispatcher: typeof import("@/lib/webhooks/dispatcher");

const T0 = new Date("2026-12-05T21:00:00.000Z");
const olivia: ActingUser = { id: "u-olivia", name: "Olivia Chen", role: "OPERATOR" };
const WAIT = { timeout: 20_000, interval: 25 };

beforeAll(async () => {
  server = await startPostgres();
  side = await openPostgresSide(server);
  pool = side.pool;
  receiver = await startWebhookReceiver();
  receiver.secrets.push("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  const { prisma } = side;
  await prisma.user.create({ data: { id: olivia.id, name: olivia.name, email: "olivia@example.test", role: "OPERATOR" } });
  await prisma.setting.upsert({ where: { key: "projectVisibility" }, create: { key: "projectVisibility", value: "all" }, update: { value: "all" } });
  await prisma.project.create({ data: { id: "p-1", name: "Move nbu-master-01", sourceHost: "a", targetHost: "b", timezone: "Europe/Berlin", windowStart: T0, windowEnd: new Date(T0.getTime() + 8 * 3600_000), status: "LIVE" } });
  await prisma.run.create({ data: { id: "run-1", projectId: "p-1", kind: "LIVE", name: "Saturday cutover", windowStart: T0, windowEnd: new Date(T0.getTime() + 8 * 3600_000), startedAt: T0 } });
  await prisma.runPhase.create({ data: { id: "ph-1", runId: "run-1", phaseId: "phase-1", position: 1, title: "Move" } });
  await prisma.stepRun.create({ data: { id: "sr-A", runId: "run-1", stepId: "A", runPhaseId: "ph-1", position: 1, title: "Copy the catalog", plannedMinutes: 30 } });
  await prisma.stepRun.create({ data: { id: "sr-B", runId: "run-1", stepId: "B", runPhaseId: "ph-1", position: 2, title: "Update bp.conf", plannedMinutes: 20, predecessorIds: JSON.stringify(["A"]) } });
  // Left undone, so the run is still active when the deliveries are made and they carry a forecast.
  await prisma.stepRun.create({ data: { id: "sr-C", runId: "run-1", stepId: "C", runPhaseId: "ph-1", position: 3, title: "Inventory the tape library", plannedMinutes: 45, predecessorIds: JSON.stringify(["B"]) } });
  for (const [id, path] of [["e-ok", "/ok"], ["e-broken", "/broken"]]) {
    await prisma.webhookEndpoint.create({ data: { id, projectId: "p-1", name: `Hook ${path}`, url: `${receiver.url}${path}`, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", events: JSON.stringify(["step.completed"]), allowPrivateNetwork: true } });
  }
  receiver.answer = ({ path }) => (path === "/broken" ? 500 : 200);
  dispatcher = await import("@/lib/webhooks/dispatcher");
  dispatcher.useWebhookStore(postgresWebhookStore(pool));
}, 60_000);

afterAll(async () => {
  dispatcher?.stopWebhookDispatcher();
  await dispatcher?.webhookDispatcherIdle();
  await receiver?.close();
  await side?.close();
  await server?.stop();
});

const act = (stepId: string, action: "start" | "done") =>
  runPgTransaction(pool, (tx) => runStepFlowAsync(stepActionFlow({ actor: olivia, runId: "run-1", stepId, input: { action, note: "", reason: "" } }), postgresStepStore(tx), tx));

describe("webhooks on PostgreSQL", () => {
  it("deliver each completed step once, signed, with its number and the run's forecast; a failing endpoint is retried, then disabled on the record", async () => {
    await act("A", "done");
    await act("B", "start");
    await act("B", "done");
    // Ticks as the timer would run them, until everything due has been sent and recorded.
    await vi.waitFor(async () => {
      await dispatcher.runWebhookTick();
      await dispatcher.webhookDispatcherIdle();
      const states = await side.prisma.webhookDelivery.findMany({ select: { status: true } });
      expect(states.length).toBe(4);
      expect(states.every((d) => d.status !== "PENDING")).toBe(true);
    }, WAIT);

    const ok = receiver.received.filter((r) => r.path === "/ok");
    expect(ok.every((r) => r.verified && r.status === 200)).toBe(true);
    expect(ok.map((r) => JSON.parse(r.body)).map((b) => [b.type, b.data.step.number, b.data.step.title, b.data.step.by])).toEqual([
      ["step.completed", "1", "Copy the catalog", "Olivia Chen"],
      ["step.completed", "2", "Update bp.conf", "Olivia Chen"],
    ]);
    expect(JSON.parse(ok[0].body).data.forecast).toMatchObject({ onTrack: expect.any(Boolean), windowEnd: "2026-12-06T05:00:00.000Z" });

    const deliveries = await side.prisma.webhookDelivery.findMany({ orderBy: [{ endpointId: "asc" }, { auditSeq: "asc" }], select: { endpointId: true, status: true, attempts: true } });
    expect(deliveries).toEqual([
      { endpointId: "e-broken", status: "FAILED", attempts: 3 },
      { endpointId: "e-broken", status: "FAILED", attempts: 3 },
      { endpointId: "e-ok", status: "DELIVERED", attempts: 1 },
      { endpointId: "e-ok", status: "DELIVERED", attempts: 1 },
    ]);
    expect(receiver.received.filter((r) => r.path === "/broken")).toHaveLength(6);
    const broken = await side.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: "e-broken" } });
    expect(broken).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(await side.prisma.auditEvent.count({ where: { action: "webhook.endpoint_disabled", entityId: "e-broken" } })).toBe(1);

    // Another tick finds nothing new: each event was turned into a delivery once.
    await dispatcher.runWebhookTick();
    await dispatcher.webhookDispatcherIdle();
    expect(await side.prisma.webhookDelivery.count()).toBe(4);
  });
});
