/**
 * Webhooks with two instances on PostgreSQL, one killed mid-delivery: both instances' dispatchers
 * claim deliveries from the shared outbox (FOR UPDATE SKIP LOCKED, with a lease); sign-offs go
 * through both; instance A is killed while deliveries are in flight. The survivor takes over A's
 * leased deliveries once the lease runs out and delivers the rest. The receiver gets every event
 * under exactly one id, signed; an id arrives twice only when it was sent before the kill and its
 * answer was never recorded (receivers drop a repeated webhook-id), never because both instances
 * sent it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { postJson, signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { expectEachEventOnceById } from "./helpers";
import { startPostgresInstallation, type PostgresInstallation } from "./postgres-installation";

const CHANGES = 40;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // poll interval, not a wait-for-time
  }
}

describe("webhooks on PostgreSQL: two instances, one killed", () => {
  let installation: PostgresInstallation | undefined;
  let receiver: WebhookReceiver | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    await receiver?.close();
    await installation?.cleanup();
  });

  it("delivers every event once by id, signed, with one sender per event, after one instance dies mid-delivery", async () => {
    installation = await startPostgresInstallation({ database: "runsheet_webhooks_kill", steps: 100, phases: 4, operators: 2 });
    const { seeded, pool, env } = installation;
    const runId = seeded.liveRunId!;
    receiver = await startWebhookReceiver();
    // Slow answers, and one send at a time per instance, keep deliveries in flight when the kill
    // comes (at 16 at a time both instances send all forty before the sign-offs are through).
    receiver.answer = () => ({ status: 200, delayMs: 600 });
    const instanceEnv = { ...env, RUNSHEET_WEBHOOK_CONCURRENCY: "1" };
    const [a, b] = await Promise.all([startServer({ databasePath: "unused", env: instanceEnv }), startServer({ databasePath: "unused", env: instanceEnv })]);
    servers.push(a, b);
    const admin = await signIn(a.baseUrl, seeded.admin.email, seeded.password);
    const created = await postJson(a.baseUrl, `/api/projects/${seeded.projectId}/webhooks`, admin, { name: "Kill receiver", url: `${receiver.url}/pg-kill9`, events: ["*"], allowPrivateNetwork: true });
    expect(created.status, created.text).toBe(200);
    const { endpoint, secret } = created.body as { endpoint: { id: string }; secret: string };
    receiver.secrets.push(secret);

    // Sign-offs through both instances, so both dispatchers have work of their own to claim.
    const operator = await signIn(a.baseUrl, seeded.operators[0].email, seeded.password);
    const steps = seeded.pendingInLiveRun.slice(0, CHANGES);
    expect(steps.length).toBe(CHANGES);
    for (const [index, stepId] of steps.entries()) {
      const response = await signOff((index % 2 === 0 ? a : b).baseUrl, operator, runId, stepId);
      expect(response.status, response.text).toBe(200);
    }

    await until(() => receiver!.received.length >= 5, 30_000, "the first deliveries");
    a.proc.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    const answeredBeforeKill = receiver.deliveredIds().size;
    expect(answeredBeforeKill).toBeLessThan(CHANGES); // the kill really came mid-way

    // What must arrive: one delivery for each step.done event of the project after the endpoint was made.
    const registered = (await pool.query<{ seq: number }>(`SELECT "seq"::int AS "seq" FROM "audit_event" WHERE "action" = 'webhook.create' AND "entityId" = $1`, [endpoint.id])).rows[0];
    const expectedSeqs = (await pool.query<{ seq: number }>(`SELECT "seq"::int AS "seq" FROM "audit_event" WHERE "projectId" = $1 AND "seq" > $2 AND "action" = 'step.done' ORDER BY "seq"`, [seeded.projectId, registered.seq])).rows.map((r) => r.seq);
    expect(expectedSeqs.length).toBe(CHANGES);

    // B delivers the rest, A's leased deliveries included once their lease has run out.
    const delivered = async () => (await pool!.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "webhook_delivery" WHERE "endpointId" = $1 AND "status" = 'DELIVERED'`, [endpoint.id])).rows[0].n;
    await until(async () => (await delivered()) >= CHANGES, 90_000, "every delivery to be recorded as delivered");
    const rows = (await pool.query<{ id: string; auditSeq: number; status: string }>(`SELECT "id", "auditSeq"::int AS "auditSeq", "status" FROM "webhook_delivery" WHERE "endpointId" = $1 ORDER BY "auditSeq"`, [endpoint.id])).rows;
    expect(rows.map((r) => r.auditSeq)).toEqual(expectedSeqs);
    expect(rows.every((r) => r.status === "DELIVERED")).toBe(true);

    const mine = expectEachEventOnceById(receiver, { path: "/pg-kill9", deliveryIds: rows.map((r) => r.id), expectedSeqs });
    const uniqueIds = new Set(mine.map((r) => r.id));
    // One sender per event: an id came twice only because A sent it, died before recording the
    // answer, and B sent it again after A's lease ran out; never twice while both were up.
    const repeated = [...uniqueIds].filter((id) => mine.filter((r) => r.id === id).length > 1);
    for (const id of repeated) {
      expect(mine.filter((r) => r.id === id && r.arrivedAt < killedAt).length, `sendings of ${id} that arrived before the kill`).toBeLessThanOrEqual(1);
      expect(mine.filter((r) => r.id === id).length, `sendings of ${id}`).toBe(2);
    }
    console.log(`webhooks on PostgreSQL, kill -9 of one instance: ${answeredBeforeKill} of ${CHANGES} answered before the kill; ${mine.length} requests for ${uniqueIds.size} events (${repeated.length} repeated by id)`);
  });
});
