/**
 * SQLITE_BUSY: another process holds the write lock (BEGIN IMMEDIATE) while operators sign off.
 * Shorter than busy_timeout (5 s): the requests wait and succeed. Longer: every request either
 * succeeds after the lock is gone or fails cleanly as 503 {code:"busy"} with Retry-After, and a
 * refused request changed nothing. Never a 500, never a stack trace, never a broken chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signIn, signOff, type JsonResponse } from "../../bench/lib/http";
import { repoRoot, startServer, type ServerHandle } from "../../bench/lib/server";
import { auditCountFor, integrityCheck, openDb, seededDatabase, signOffConsistency, stepRun, verifyAuditChain, type TestDatabase } from "./helpers";

/** A separate OS process that takes SQLite's write lock and keeps it until told to let go. */
async function holdWriteLock(databasePath: string): Promise<{ release: () => Promise<void>; process: ChildProcess }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1], { timeout: 1000 });
    db.exec("BEGIN IMMEDIATE");
    console.log("locked");
    process.stdin.once("data", () => { db.exec("ROLLBACK"); db.close(); console.log("released"); process.exit(0); });
  `;
  const child = spawn(process.execPath, ["-e", script, databasePath], { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`lock holder exited (${code})`)));
  });
  expect(await next()).toBe("locked");
  return {
    process: child,
    release: async () => {
      const released = next();
      child.stdin!.write("go\n");
      expect(await released).toBe("released");
    },
  };
}

const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SQLITE_BUSY: another process holds the write lock", () => {
  let database: TestDatabase;
  let server: ServerHandle;
  let cookies: { id: string; cookie: string }[];
  let fresh: string[];

  beforeAll(async () => {
    database = seededDatabase({ steps: 60, phases: 3, operators: 4, clients: 10 });
    server = await startServer({ databasePath: database.databasePath });
    cookies = await Promise.all(database.seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server.baseUrl, op.email, database.seeded.password) })));
    fresh = [...database.seeded.signableStepIds];
  });
  afterAll(async () => {
    await server?.kill9();
    database?.cleanup();
  });

  const runId = () => database.seeded.liveRunId!;
  const sendSignOffs = (count: number) => {
    const steps = fresh.splice(0, count);
    return steps.map((stepId, i) => ({ stepId, operator: cookies[i % cookies.length], response: signOff(server.baseUrl, cookies[i % cookies.length].cookie, runId(), stepId, 60_000) }));
  };

  it("a lock shorter than busy_timeout: the sign-offs wait and succeed", async () => {
    onTestFailed(() => console.log(`server output:\n${server.output().slice(-4000)}`));
    const [warm] = sendSignOffs(1); // route modules loaded, statements prepared
    expect((await warm.response).status).toBe(200);
    const lock = await holdWriteLock(database.databasePath);
    const requests = sendSignOffs(3);
    // The fault: the lock is held for 3 s (well inside the 5 s busy_timeout) unless a sign-off
    // is answered first, which means it did not wait for the lock.
    const answeredEarly = await Promise.race([
      Promise.race(requests.map((r) => r.response)).then(() => true, () => true),
      after(3000).then(() => false),
    ]);
    await lock.release();
    const responses = await Promise.all(requests.map((r) => r.response));
    expect(answeredEarly, `sign-offs answered while the lock was held: ${responses.map((r) => `${r.status} ${r.text}`).join(" | ")}`).toBe(false);
    expect(responses.map((r) => r.status), responses.map((r) => r.text).join("\n")).toEqual([200, 200, 200]);
    const db = openDb(database.databasePath, { readonly: true });
    try {
      for (const r of requests) expect(stepRun(db, runId(), r.stepId)).toMatchObject({ status: "DONE", signedOffById: r.operator.id });
    } finally {
      db.close();
    }
  });

  it("a lock longer than busy_timeout: clean 503 busy or success, nothing half-done", async () => {
    onTestFailed(() => console.log(`server output:\n${server.output().slice(-4000)}`));
    const db = openDb(database.databasePath, { readonly: true });
    const lock = await holdWriteLock(database.databasePath);
    const requests = sendSignOffs(3);
    const before = new Map(requests.map((r) => [r.stepId, stepRun(db, runId(), r.stepId)]));
    // While a request sits in SQLite's busy handler the whole Node process waits with it
    // (better-sqlite3 is synchronous): measure how long a trivial request is held up.
    // The lock lasts 12 s: more than two busy_timeouts back to back.
    await after(1000);
    const probeStarted = Date.now();
    const probe = fetch(`${server.baseUrl}/api/bench/floor`, { method: "POST" }).then(
      async (r) => ({ status: String(r.status), ms: Date.now() - probeStarted, text: await r.text() }),
      (error: Error) => ({ status: String((error.cause as { code?: string } | undefined)?.code ?? error.message), ms: Date.now() - probeStarted, text: "" }),
    );
    await after(11_000);
    await lock.release();
    const settled = await Promise.allSettled(requests.map((r) => r.response));
    const failures = settled.flatMap((r, i) => (r.status === "rejected" ? [`${requests[i].stepId}: ${String((r.reason as Error).cause ?? r.reason)}`] : []));
    expect(failures, "every sign-off got an HTTP answer").toEqual([]);
    const responses = settled.map((r) => (r as PromiseFulfilledResult<JsonResponse>).value);
    const probed = await probe;
    console.log(
      `long lock: statuses ${JSON.stringify(responses.map((r) => r.status))} after ${responses.map((r) => Math.round(r.ms)).join("/")} ms; ` +
        `a trivial request sent 1 s into the lock took ${probed.ms} ms (${probed.status})`,
    );

    for (const [i, response] of responses.entries()) {
      const { stepId, operator } = requests[i];
      expect([200, 503], `${response.status} ${response.text}`).toContain(response.status);
      expect(response.text).not.toMatch(/\bat .+:\d+:\d+|stack|prisma/i); // no stack trace or driver detail leaks
      if (response.status === 503) {
        expect(response.body).toMatchObject({ error: { code: "busy" } });
        expect(response.headers.get("retry-after")).toBeTruthy();
        expect(stepRun(db, runId(), stepId)).toEqual(before.get(stepId)); // unchanged
        expect(auditCountFor(db, stepRun(db, runId(), stepId).id)).toBe(0);
      } else {
        expect(stepRun(db, runId(), stepId)).toMatchObject({ status: "DONE", signedOffById: operator.id });
      }
    }
    expect(responses.some((r) => r.status === 503), "at least the first request outlasted busy_timeout").toBe(true);
    expect(integrityCheck(db)).toBe("ok");
    expect(signOffConsistency(db)).toEqual([]);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
    db.close();

    // And the server is fine afterwards.
    const [again] = sendSignOffs(1);
    expect((await again.response).status).toBe(200);
  });
});
