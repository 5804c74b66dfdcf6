/**
 * Webhooks across kill -9: an endpoint points at a slow receiver, fifty sign-offs are made, and the
 * server is killed while their deliveries are in flight. After a restart on the same file the
 * receiver must get every event (one delivery per audit event the endpoint subscribed to) with a
 * valid signature, and no event under two ids. A message may arrive twice (it was sent, the answer
 * wasn't recorded before the kill): the same webhook-id, which receivers drop.
 */
import { afterAll, describe, expect, it } from "vitest";
import { postJson, signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { expectEachEventOnceById, integrityCheck, openDb, seededDatabase, verifyAuditChain, type TestDatabase } from "./helpers";

const CHANGES = 50;

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval, not a wait-for-time
  }
}

describe("webhooks across kill -9", () => {
  let database: TestDatabase | undefined;
  let receiver: WebhookReceiver | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    await receiver?.close();
    database?.cleanup();
  });

  it("delivers every event exactly once by id, signed, after a kill -9 in the middle of deliveries", async () => {
    database = seededDatabase({ steps: 120, phases: 4, operators: 2 });
    const { seeded, databasePath } = database;
    const runId = seeded.liveRunId!;
    receiver = await startWebhookReceiver();
    // Slow answers keep deliveries in flight when the kill comes.
    receiver.answer = () => ({ status: 200, delayMs: 400 });

    const server = await startServer({ databasePath });
    servers.push(server);
    const admin = await signIn(server.baseUrl, seeded.admin.email, seeded.password);
    const created = await postJson(server.baseUrl, `/api/projects/${seeded.projectId}/webhooks`, admin, { name: "Kill receiver", url: `${receiver.url}/kill9`, events: ["*"], allowPrivateNetwork: true });
    expect(created.status, created.text).toBe(200);
    const { endpoint, secret } = created.body as { endpoint: { id: string }; secret: string };
    receiver.secrets.push(secret);

    const operator = await signIn(server.baseUrl, seeded.operators[0].email, seeded.password);
    const steps = seeded.pendingInLiveRun.slice(0, CHANGES);
    expect(steps.length).toBe(CHANGES);
    for (const stepId of steps) {
      const response = await signOff(server.baseUrl, operator, runId, stepId);
      expect(response.status, response.text).toBe(200);
    }
    // Kill once some deliveries are answered and others are still on their way.
    await until(() => receiver!.received.length >= 5, 30_000, "the first deliveries");
    const answeredBeforeKill = receiver.deliveredIds().size;
    server.proc.kill("SIGKILL");
    await server.exited;
    expect(answeredBeforeKill).toBeLessThan(CHANGES); // the kill really came mid-way
    console.log(`webhooks kill -9: ${answeredBeforeKill} of ${CHANGES} deliveries answered before the kill`);

    const restarted = await startServer({ databasePath });
    servers.push(restarted);

    const db = openDb(databasePath);
    try {
      expect(integrityCheck(db)).toBe("ok");
      expect(verifyAuditChain(db)).toMatchObject({ ok: true });
      // What must arrive: one delivery for each step.done event of the project after the endpoint was made.
      const registered = db.prepare(`SELECT seq FROM audit_event WHERE action = 'webhook.create' AND entityId = ?`).get(endpoint.id) as { seq: number };
      const expectedSeqs = (db.prepare(`SELECT seq FROM audit_event WHERE projectId = ? AND seq > ? AND action = 'step.done' ORDER BY seq`).all(seeded.projectId, registered.seq) as { seq: number }[]).map((r) => r.seq);
      expect(expectedSeqs.length).toBe(CHANGES);
      // The restarted dispatcher finishes the outbox and the sending.
      await until(() => (db.prepare(`SELECT count(*) AS n FROM webhook_delivery WHERE endpointId = ? AND status = 'DELIVERED'`).get(endpoint.id) as { n: number }).n >= CHANGES, 90_000, "every delivery to be recorded as delivered");
      const rows = db.prepare(`SELECT id, auditSeq, status FROM webhook_delivery WHERE endpointId = ? ORDER BY auditSeq`).all(endpoint.id) as { id: string; auditSeq: number; status: string }[];
      expect(rows.map((r) => r.auditSeq)).toEqual(expectedSeqs);
      expect(rows.every((r) => r.status === "DELIVERED")).toBe(true);

      const mine = expectEachEventOnceById(receiver, { path: "/kill9", deliveryIds: rows.map((r) => r.id), expectedSeqs });
      const uniqueIds = new Set(mine.map((r) => r.id));
      console.log(`webhooks kill -9: ${mine.length} requests for ${uniqueIds.size} events (${mine.length - uniqueIds.size} repeated by id after the kill)`);
    } finally {
      db.close();
    }
  });
});
