/**
 * kill -9 under load: eight operators sign off steps as fast as they can; once 40 sign-offs
 * have been acknowledged the server gets SIGKILL with requests still in flight. After a restart
 * on the same file, SQLite must have recovered to a consistent state that holds every
 * acknowledged sign-off exactly once, with an intact audit chain.
 */
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { integrityCheck, openDb, seededDatabase, signOffConsistency, signOffWorkers, stepRun, verifyAuditChain, type TestDatabase } from "./helpers";

const KILL_AFTER_ACKS = 40;

describe("kill -9 under load", () => {
  let database: TestDatabase | undefined;
  const servers: ServerHandle[] = [];
  afterAll(async () => {
    for (const server of servers) await server.kill9();
    database?.cleanup();
  });

  it("keeps every acknowledged sign-off, exactly once, with a valid audit chain", async () => {
    database = seededDatabase({ steps: 200, phases: 4, operators: 8 });
    const { seeded, databasePath } = database;
    const runId = seeded.liveRunId!;

    const server = await startServer({ databasePath });
    servers.push(server);
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server.baseUrl, op.email, seeded.password) })));

    let reached!: () => void;
    const enoughAcks = new Promise<void>((resolve) => (reached = resolve));
    const load = signOffWorkers({
      baseUrl: server.baseUrl,
      runId,
      stepIds: seeded.signableStepIds,
      operators,
      workers: 8,
      onAck: () => {
        if (load.acks.length >= KILL_AFTER_ACKS) reached();
      },
    });
    await enoughAcks;
    // SIGKILL right now, while the other workers' requests are mid-flight.
    server.proc.kill("SIGKILL");
    await server.exited;
    await load.done;
    const inFlightAtKill = load.networkErrors.length;

    expect(load.others.map((o) => `${o.response.status} ${o.response.text}`)).toEqual([]);
    expect(load.acks.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(inFlightAtKill).toBeGreaterThan(0); // the kill really interrupted requests
    console.log(`kill -9: ${load.acks.length} sign-offs acknowledged, ${inFlightAtKill} requests cut off`);

    // Restart on the same file: opening it replays the WAL.
    const restarted = await startServer({ databasePath });
    servers.push(restarted);

    const db = openDb(databasePath);
    try {
      expect(integrityCheck(db)).toBe("ok");
      for (const ack of load.acks) {
        const row = stepRun(db, ack.runId, ack.stepId);
        expect(row, `acknowledged sign-off of ${ack.stepId}`).toMatchObject({ status: "DONE", signedOffById: ack.userId });
      }
      expect(signOffConsistency(db)).toEqual([]);
      const chain = verifyAuditChain(db);
      expect(chain).toMatchObject({ ok: true });
      // Cut-off requests may or may not have committed, but never half: consistency above covers them.
      const cutOff = load.networkErrors.map((e) => stepRun(db, runId, e.stepId).status);
      console.log(`cut-off requests ended up: ${JSON.stringify(cutOff)}; chain has ${chain.ok ? chain.count : "?"} events`);
    } finally {
      db.close();
    }

    // The restarted server works: a fresh sign-off succeeds.
    const untouched = seeded.signableStepIds.find((stepId) => !load.acks.some((a) => a.stepId === stepId) && !load.networkErrors.some((e) => e.stepId === stepId))!;
    const after = await signOff(restarted.baseUrl, operators[0].cookie, runId, untouched);
    expect(after.status, after.text).toBe(200);
  });
});
