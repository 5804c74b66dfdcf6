/**
 * PostgreSQL drops every app connection under sign-off load (what a restart, a failover or an
 * admin's pg_terminate_backend looks like to the instances): two app instances (the production
 * build) keep running, answer the requests caught in the cut with 503 and nothing else, reconnect
 * on the next request, and go on. Afterwards every acknowledged sign-off is stored exactly once,
 * a refused one is stored entirely or not at all, and the audit chain verifies.
 * The stores' pool listens for 'error' (postgres-pool.ts): PostgreSQL ending an idle pooled
 * connection would otherwise be thrown at the process (tests/unit/postgres-store.integration.test.ts).
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { expectSignOffsKept, startPostgresInstallation, type PostgresInstallation } from "./postgres-installation";

const WORKERS = 6;
const DROP_AFTER_ACKS = 20;

describe("two instances on PostgreSQL, every connection dropped under sign-off load", () => {
  let installation: PostgresInstallation | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    await installation?.cleanup();
  });

  it("both instances survive, refuse only what was caught in the cut (503), and go on; every acknowledged sign-off is stored once", async () => {
    installation = await startPostgresInstallation({ database: "runsheet_dropped", steps: 120, phases: 4, operators: WORKERS });
    const { seeded, pool, env } = installation;
    const runId = seeded.liveRunId!;
    const [a, b] = await Promise.all([startServer({ databasePath: "unused", env }), startServer({ databasePath: "unused", env })]);
    servers.push(a, b);
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(a.baseUrl, op.email, seeded.password) })));

    const queue = [...seeded.signableStepIds];
    // Two steps kept for the end: one sign-off on each instance once the load is over.
    const kept = queue.splice(-2);
    const acks: { stepId: string; userId: string; afterDrop: boolean }[] = [];
    const refused: { stepId: string; status: number; code: string; afterDrop: boolean }[] = [];
    let dropped = false;
    let reached!: () => void;
    const enoughAcks = new Promise<void>((resolve) => (reached = resolve));
    // Half the operators on each instance, as behind a load balancer.
    const worker = async (index: number) => {
      const operator = operators[index];
      const server = index % 2 === 0 ? a : b;
      for (let stepId = queue.shift(); stepId; stepId = queue.shift()) {
        const afterDrop = dropped;
        const response = await signOff(server.baseUrl, operator.cookie, runId, stepId, 20_000);
        if (response.status === 200) {
          acks.push({ stepId, userId: operator.id, afterDrop });
          if (acks.length >= DROP_AFTER_ACKS) reached();
        } else {
          refused.push({ stepId, status: response.status, code: (response.body as { error?: { code?: string } } | null)?.error?.code ?? response.text.slice(0, 80), afterDrop });
        }
      }
    };
    const load = Promise.all(operators.map((_, i) => worker(i)));
    await enoughAcks;
    // Every connection to the database but this one: both instances' pools (idle and busy), their
    // Prisma clients and LISTEN connections, and the test pool's other connections.
    const terminated = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = current_database() AND "pid" <> pg_backend_pid() AND "backend_type" = 'client backend') t`,
    );
    dropped = true;
    await load;

    expect(terminated.rows[0].n).toBeGreaterThanOrEqual(4);
    // Both instances are still running, and each serves sign-offs after the drop.
    expect([a.proc.exitCode, a.proc.signalCode, b.proc.exitCode, b.proc.signalCode]).toEqual([null, null, null, null]);
    expect(acks.filter((ack) => ack.afterDrop).length).toBeGreaterThan(0);
    // Only the requests caught in the cut are refused, as "try again" (503), at most one per pooled connection.
    for (const refusal of refused) expect(refusal, JSON.stringify(refusal)).toMatchObject({ status: 503, code: expect.stringMatching(/^(database_unavailable|busy)$/) });
    expect(refused.length).toBeLessThanOrEqual(2 * 10);
    console.log(`Connections dropped: ${terminated.rows[0].n} terminated; ${acks.length} sign-offs acknowledged (${acks.filter((x) => x.afterDrop).length} after the drop), ${refused.length} refused: ${JSON.stringify(refused.map((r) => r.code))}`);

    // Each instance signs off again once the load is over, first try.
    for (const [i, server] of [a, b].entries()) {
      const response = await signOff(server.baseUrl, operators[i].cookie, runId, kept[i], 20_000);
      expect(response.status, response.text).toBe(200);
      acks.push({ stepId: kept[i], userId: operators[i].id, afterDrop: true });
    }

    // A refused sign-off (its COMMIT may have been cut) committed entirely or not at all.
    await expectSignOffsKept(installation, { runId, acknowledged: acks, outcomeUnknown: refused.map((r) => r.stepId), unknownAs: "refused" });
  });
});
