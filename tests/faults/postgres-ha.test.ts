/**
 * High availability on PostgreSQL: two app instances (the production build) on one real
 * PostgreSQL server, sharing one data folder, as behind a load balancer. Eight operators sign off
 * steps through instance A; a live stream follows the project on instance B. Once 30 sign-offs
 * are acknowledged, A gets SIGKILL with requests in flight. The operators fail over to B and go
 * on; a browser's stream resumes on B from its Last-Event-ID. Afterwards every acknowledged
 * sign-off is in the database exactly once, the audit chain (and both instances' signed
 * checkpoints) verifies, and B's stream saw every acknowledged sign-off, A's included.
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import type { Ack } from "./helpers";
import { expectSignOffsKept, startPostgresInstallation, type PostgresInstallation } from "./postgres-installation";

const KILL_AFTER_ACKS = 30;
const WORKERS = 8;

/** A Server-Sent Events reader (what EventSource does): the `change` events' ids, actions and plan step ids. */
function followStream(baseUrl: string, cookie: string, projectId: string, lastEventId: number | null) {
  const controller = new AbortController();
  const seen: { seq: number; stepId: string | null; action: string }[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) if (waiter.test()) (waiters.splice(waiters.indexOf(waiter), 1), waiter.resolve());
  };
  const opened = (async () => {
    const response = await fetch(`${baseUrl}/api/projects/${projectId}/events`, {
      headers: { cookie, accept: "text/event-stream", ...(lastEventId !== null ? { "last-event-id": String(lastEventId) } : {}) },
      signal: controller.signal,
    });
    if (response.status !== 200) throw new Error(`stream on ${baseUrl}: ${response.status} ${await response.text()}`);
    return response.body!;
  })();
  const reading = opened.then(async (body) => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(message.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]));
          if (fields.event !== "change" || !fields.id) continue;
          const data = JSON.parse(fields.data) as { action: string; step?: { stepId: string } };
          seen.push({ seq: Number(fields.id), action: data.action, stepId: data.step?.stepId ?? null });
          check();
        }
      }
    } catch {
      // aborted, or the server went away
    }
  });
  return {
    seen,
    opened,
    lastSeq: () => seen.at(-1)?.seq ?? null,
    until: (test: () => boolean, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (test()) return resolve();
        const timer = setTimeout(() => reject(new Error(`stream on ${baseUrl}: condition not met in ${timeoutMs} ms; saw ${seen.length} events`)), timeoutMs);
        waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe("two instances on PostgreSQL, one killed under sign-off load", () => {
  let installation: PostgresInstallation | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    await installation?.cleanup();
  });

  it("keeps every acknowledged sign-off, and the survivor serves the live stream and the rest of the run", async () => {
    installation = await startPostgresInstallation({ database: "runsheet_ha", steps: 160, phases: 4, operators: WORKERS });
    const { seeded, env } = installation;
    const runId = seeded.liveRunId!;
    const [a, b] = await Promise.all([startServer({ databasePath: "unused", env }), startServer({ databasePath: "unused", env })]);
    servers.push(a, b);

    // Sessions live in the database: a cookie from A is good on B (what a load balancer needs).
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(a.baseUrl, op.email, seeded.password) })));
    const onB = followStream(b.baseUrl, operators[0].cookie, seeded.projectId, null);
    const onA = followStream(a.baseUrl, operators[0].cookie, seeded.projectId, null);
    await Promise.all([onA.opened, onB.opened]);

    // The load: each worker signs off through A until A dies, then through B (a failover).
    const queue = [...seeded.signableStepIds];
    const acks: (Ack & { via: "A" | "B" })[] = [];
    const refused: string[] = [];
    const cutOff: string[] = [];
    let killed = false;
    let reached!: () => void;
    const enoughAcks = new Promise<void>((resolve) => (reached = resolve));
    const worker = async (index: number) => {
      const operator = operators[index];
      let target: "A" | "B" = "A";
      for (let stepId = queue.shift(); stepId; stepId = queue.shift()) {
        const server = target === "A" ? a : b;
        try {
          const response = await signOff(server.baseUrl, operator.cookie, runId, stepId, 20_000);
          if (response.status === 200) {
            acks.push({ runId, stepId, userId: operator.id, response, via: target });
            if (acks.length >= KILL_AFTER_ACKS) reached();
          } else {
            refused.push(`${target} ${response.status} ${response.text}`);
          }
        } catch (error) {
          if (target === "B" || !killed) throw error;
          // A died with this request in flight: its outcome is unknown (it may have committed).
          cutOff.push(stepId);
          target = "B";
        }
      }
    };
    const load = Promise.all(operators.map((_, i) => worker(i)));
    await enoughAcks;
    killed = true;
    a.proc.kill("SIGKILL");
    await a.exited;
    // The browser on A reconnects, as EventSource does, to whichever instance the balancer picks: B.
    const resumeFrom = onA.lastSeq();
    await onA.close();
    const resumed = followStream(b.baseUrl, operators[0].cookie, seeded.projectId, resumeFrom);
    await load;

    expect(refused).toEqual([]);
    expect(acks.filter((ack) => ack.via === "A").length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acks.filter((ack) => ack.via === "B").length).toBeGreaterThan(0);
    console.log(`HA: ${acks.length} sign-offs acknowledged (${acks.filter((x) => x.via === "A").length} by A before the kill), ${cutOff.length} cut off`);

    // Every acknowledged sign-off is stored once, by its operator; requests cut off by the kill
    // committed entirely or not at all; the chain and both instances' checkpoints (one shared log) verify.
    await expectSignOffsKept(installation, { runId, acknowledged: acks, outcomeUnknown: cutOff, unknownAs: "cut-off" });

    // B's stream heard of every acknowledged sign-off, the ones committed on A included (LISTEN/NOTIFY).
    const acked = acks.map((ack) => ack.stepId);
    const heard = (stream: ReturnType<typeof followStream>) => new Set(stream.seen.filter((e) => e.action === "step.done").map((e) => e.stepId));
    await onB.until(() => acked.every((stepId) => heard(onB).has(stepId)));
    // The resumed stream got what A's stream had not yet delivered, from its Last-Event-ID on, without a gap.
    const sawOnA = heard(onA);
    await resumed.until(() => acked.every((stepId) => sawOnA.has(stepId) || heard(resumed).has(stepId)));
    expect(resumed.seen.every((e) => resumeFrom === null || e.seq > resumeFrom)).toBe(true);

    await Promise.all([onB.close(), resumed.close()]);
  });
});
