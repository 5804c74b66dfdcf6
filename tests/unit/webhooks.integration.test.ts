/**
 * Webhooks end to end inside one process: the real dispatcher on a real SQLite file, sending to a
 * real HTTP receiver on loopback that checks every Standard Webhooks signature.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createProject, createTeam, templateSteps } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";
import { databaseHash } from "./helpers/database-snapshot";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

// Compressed Standard Webhooks schedule: 4 attempts in all, 350 ms apart in total.
process.env.RUNSHEET_WEBHOOK_RETRY_SCHEDULE_MS = "50,100,200";
process.env.RUNSHEET_WEBHOOK_DISABLE_AFTER = "2";

let db: TestDatabase;
let lib: Lib;
let people: Awaited<ReturnType<typeof createTeam>>;
let receiver: WebhookReceiver;
let webhooks: typeof import("@/lib/webhooks/service");
let dispatcher: typeof import("@/lib/webhooks/dispatcher");
let transaction: typeof import("@/lib/platform/db/transaction");
let routes: ApiRoute[];

beforeAll(async () => {
  db = await openTestDatabase("webhooks");
  lib = db.lib;
  people = await createTeam(lib);
  webhooks = await import("@/lib/webhooks/service");
  dispatcher = await import("@/lib/webhooks/dispatcher");
  transaction = await import("@/lib/platform/db/transaction");
  routes = await loadApiRoutes();
  receiver = await startWebhookReceiver();
  dispatcher.startWebhookDispatcher();
}, 60_000);
afterAll(async () => {
  dispatcher?.stopWebhookDispatcher();
  await dispatcher?.webhookDispatcherIdle();
  await receiver?.close();
  await db?.close();
});

const WAIT = { timeout: 30_000, interval: 25 };

async function world(name: string, path: string, events: string[] = ["*"]) {
  const project = await createProject(lib, people.admin, { name });
  const steps = await templateSteps(lib, project.id);
  const { endpoint, secret } = await webhooks.createWebhookEndpoint({
    actor: people.admin,
    projectId: project.id,
    input: { name: `${name} hook`, url: `${receiver.url}${path}`, preset: "STANDARD", events, allowPrivateNetwork: true },
  });
  receiver.secrets.push(secret);
  const run = await lib.runs.startRun({ actor: people.admin, projectId: project.id, input: { kind: "REHEARSAL", name: `${name} run` } });
  return { project, steps, endpoint, secret, run };
}

const deliveriesOf = (endpointId: string) => lib.prisma.webhookDelivery.findMany({ where: { endpointId }, orderBy: { auditSeq: "asc" }, include: { attemptLog: { orderBy: { at: "asc" } } } });

describe("webhooks", { timeout: 60_000 }, () => {
  it("signs each delivery, retries after a 500 with the same webhook-id, and logs both attempts", async () => {
    receiver.answer = ({ path, nth }) => (path === "/retry" && nth === 1 ? 500 : 200);
    const { steps, endpoint, run } = await world("Retry", "/retry");
    const step = steps.get("1");
    await lib.runs.performStepAction({ actor: people.operator, runId: run.id, stepId: step.id, input: { action: "start", note: "", reason: "" } });
    await lib.runs.performStepAction({ actor: people.operator, runId: run.id, stepId: step.id, input: { action: "done", note: "", reason: "" } });

    await vi.waitFor(async () => {
      const rows = await deliveriesOf(endpoint.id);
      expect(rows.map((r) => [r.eventType, r.status])).toEqual([
        ["run.started", "DELIVERED"],
        ["step.started", "DELIVERED"],
        ["step.completed", "DELIVERED"],
      ]);
    }, WAIT);
    const rows = await deliveriesOf(endpoint.id);
    const mine = receiver.received.filter((r) => r.path === "/retry");
    for (const row of rows) {
      const requests = mine.filter((r) => r.id === row.id);
      // First answer 500, then the retry with the same id answered 200.
      expect(requests.map((r) => r.status)).toEqual([500, 200]);
      expect(row.attempts).toBe(2);
      expect(row.attemptLog.map((a) => a.statusCode)).toEqual([500, 200]);
      expect(row.id).toMatch(/^msg_/);
    }
    expect(mine.every((r) => r.verified)).toBe(true);
    const completed = JSON.parse(mine.find((r) => r.id === rows[2].id)!.body) as { type: string; data: { step: { number: string; title: string; by: string; status: string }; run: { id: string }; auditSeq: number } };
    expect(completed.type).toBe("step.completed");
    expect(completed.data.step).toMatchObject({ number: "1", title: step.title, by: people.operator.name, status: "DONE" });
    expect(completed.data.run.id).toBe(run.id);
    expect(completed.data.auditSeq).toBe(rows[2].auditSeq);
    // A tampered body doesn't verify: the check above is a real one.
    receiver.secrets = [...receiver.secrets];
    const { Webhook } = await import("standardwebhooks");
    const sample = mine[0];
    expect(() => new Webhook(receiver.secrets[0]).verify(sample.body + " ", { "webhook-id": sample.id, "webhook-timestamp": sample.timestamp, "webhook-signature": sample.signature })).toThrow();
  });

  it("sends nothing for a change that was rolled back", async () => {
    receiver.answer = () => 200;
    const { project, steps, endpoint, run } = await world("Rollback", "/rollback");
    await expect(
      transaction.runTransaction(async (tx) => {
        await lib.audit.appendAuditEvent(tx, { actor: people.admin, projectId: project.id, runId: run.id, action: "run.stakeholder_update", entityType: "run", entityId: run.id, before: null, after: { subject: "ROLLED BACK", text: "never sent" } });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await lib.runs.performStepAction({ actor: people.operator, runId: run.id, stepId: steps.get("1").id, input: { action: "start", note: "", reason: "" } });
    await vi.waitFor(async () => expect((await deliveriesOf(endpoint.id)).map((r) => [r.eventType, r.status])).toEqual([["run.started", "DELIVERED"], ["step.started", "DELIVERED"]]), WAIT);
    expect(receiver.received.filter((r) => r.path === "/rollback").some((r) => r.body.includes("ROLLED BACK"))).toBe(false);
    const cursor = await lib.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id }, select: { cursorSeq: true } });
    const head = await lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id }, orderBy: { seq: "desc" } });
    expect(cursor.cursorSeq).toBe(head.seq);
  });

  it("redelivers by hand with the same id", async () => {
    receiver.answer = () => 200;
    const { endpoint } = await world("Redeliver", "/redeliver");
    await vi.waitFor(async () => expect((await deliveriesOf(endpoint.id)).map((r) => r.status)).toEqual(["DELIVERED"]), WAIT);
    const [delivery] = await deliveriesOf(endpoint.id);
    await webhooks.redeliverWebhookDelivery({ actor: people.admin, deliveryId: delivery.id });
    await vi.waitFor(() => expect(receiver.received.filter((r) => r.id === delivery.id).length).toBe(2), WAIT);
    await vi.waitFor(async () => expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 }), WAIT);
    expect(await lib.prisma.auditEvent.count({ where: { action: "webhook.redeliver", entityId: delivery.id } })).toBe(1);
  });

  it("fails a delivery after its last retry, disables an endpoint that keeps failing, and resumes from its cursor when enabled", async () => {
    let down = true;
    receiver.answer = ({ path }) => (path === "/down" && down ? 503 : 200);
    const { project, steps, endpoint, run } = await world("Down", "/down");
    await lib.runs.performStepAction({ actor: people.operator, runId: run.id, stepId: steps.get("1").id, input: { action: "start", note: "", reason: "" } });
    await vi.waitFor(async () => {
      const row = await lib.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(row.enabled).toBe(false);
    }, WAIT);
    const disabled = await lib.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(disabled.disabledReason).toMatch(/Disabled automatically: 2 deliveries in a row failed/);
    const rows = await deliveriesOf(endpoint.id);
    expect(rows.map((r) => [r.eventType, r.status, r.attempts])).toEqual([
      ["run.started", "FAILED", 4],
      ["step.started", "FAILED", 4],
    ]);
    expect(rows[0].attemptLog.map((a) => a.statusCode)).toEqual([503, 503, 503, 503]);
    const notice = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "webhook.endpoint_disabled", entityId: endpoint.id } });
    expect(notice.actorName).toBe("system");
    expect(notice.projectId).toBe(project.id);

    // While disabled nothing new is made; once enabled, the change made meanwhile is delivered.
    await lib.runs.performStepAction({ actor: people.operator, runId: run.id, stepId: steps.get("1").id, input: { action: "done", note: "", reason: "" } });
    down = false;
    expect((await deliveriesOf(endpoint.id)).length).toBe(2);
    await webhooks.updateWebhookEndpoint({ actor: people.admin, endpointId: endpoint.id, input: { enabled: true } });
    await vi.waitFor(async () => expect((await deliveriesOf(endpoint.id)).map((r) => [r.eventType, r.status])).toEqual([["run.started", "FAILED"], ["step.started", "FAILED"], ["step.completed", "DELIVERED"]]), WAIT);
    const enabled = await lib.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: "", consecutiveFailures: 0 });
  });

  it("refuses loopback and private URLs at registration unless allowed, with a field error and nothing written", async () => {
    const project = await createProject(lib, people.admin, { name: "Refused" });
    const cookie = await signIn(routes, { email: "ada@example.test", password: "correct horse battery" });
    const create = routes.find((r) => r.pattern === "/api/projects/[projectId]/webhooks")!;
    const raw = db.openRaw();
    try {
      for (const url of ["http://127.0.0.1:9/hook", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest", "http://10.1.2.3/", "http://localhost:8080/"]) {
        const before = databaseHash(raw);
        const response = await callRoute(create, "POST", { projectId: project.id }, { cookie, body: JSON.stringify({ name: "Internal", url, events: ["*"] }) });
        const body = (await response.json()) as { error: { fieldErrors: Record<string, string[]> } };
        expect(response.status, url).toBe(400);
        expect(body.error.fieldErrors.url?.[0], url).toMatch(/unless an admin allows private networks/);
        expect(databaseHash(raw), url).toBe(before);
      }
      const allowed = await callRoute(create, "POST", { projectId: project.id }, { cookie, body: JSON.stringify({ name: "Internal", url: "http://10.1.2.3/", events: ["*"], allowPrivateNetwork: true }) });
      expect(allowed.status).toBe(200);
      const json = (await allowed.json()) as { endpoint: { id: string; allowPrivateNetwork: boolean }; secret: string };
      expect(json.secret).toMatch(/^whsec_/);
      expect(json.endpoint.allowPrivateNetwork).toBe(true);
      // The secret is never in the audit log.
      const audit = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "webhook.create", entityId: json.endpoint.id } });
      expect(audit.after).not.toContain(json.secret.slice(6));
      await webhooks.deleteWebhookEndpoint({ actor: people.admin, endpointId: json.endpoint.id });
    } finally {
      raw.close();
    }
  });

  it("delivers a stakeholder update sent by webhook, with its subject and text, and not one sent by email only", async () => {
    receiver.answer = () => 200;
    const { endpoint, run } = await world("Stakeholders", "/stakeholders", ["run.stakeholder_update"]);
    const stakeholders = await import("@/lib/stakeholders/service");
    const settings = { recipients: ["cab@example.test"], intervalMinutes: 30, subjectTemplate: "{{run}}: {{progress}}", bodyTemplate: "{{progress}}", enabled: false };
    await stakeholders.saveStakeholderSettings({ actor: people.admin, runId: run.id, input: { ...settings, sendByEmail: true, sendByWebhook: false }, linkBase: "http://runsheet.test" });
    await stakeholders.sendStakeholderUpdate({ actor: people.admin, runId: run.id, edited: { subject: "Email only", text: "Only the CAB's inbox gets this." } });
    await stakeholders.saveStakeholderSettings({ actor: people.admin, runId: run.id, input: { ...settings, sendByEmail: false, sendByWebhook: true }, linkBase: "http://runsheet.test" });
    await stakeholders.sendStakeholderUpdate({ actor: people.admin, runId: run.id, edited: { subject: "To the channel", text: "Catalog copied; forecast 05:40, on track." } });

    await vi.waitFor(async () => {
      const rows = await deliveriesOf(endpoint.id);
      expect(rows.map((r) => [r.eventType, r.status])).toEqual([["run.stakeholder_update", "DELIVERED"]]);
    }, WAIT);
    const [received] = receiver.received.filter((r) => r.path === "/stakeholders");
    expect(received.verified).toBe(true);
    expect(JSON.parse(received.body)).toMatchObject({ type: "run.stakeholder_update", data: { subject: "To the channel", text: "Catalog copied; forecast 05:40, on track." } });
    // Both updates are in the audit log; the filter is the channel, not the record.
    expect(await lib.prisma.auditEvent.count({ where: { runId: run.id, action: "run.stakeholder_update" } })).toBe(2);
  });
});
