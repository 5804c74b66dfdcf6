/**
 * Webhook load vs sign-offs: sign-off p95 at concurrency 10 with no webhook, then with 1,000
 * deliveries queued and in flight to a slow receiver on loopback (each answer takes 2 s, so the
 * dispatcher's 16 sockets are busy all the time and the backlog stays high while we measure).
 * Goal: the second p95 at most 10 % above the first.
 *
 * Called by bench/run.ts at the end of its run (its server, its seeded project); also runs alone
 * against an existing build: `npx tsx bench/webhooks.ts` (seeds a smaller database).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { percentile, postJson, round1, signIn } from "./lib/http";
import { seed, startServer, type SeedResult, type ServerHandle } from "./lib/server";
import { startWebhookReceiver } from "../tests/support/webhook-receiver";

const CONCURRENCY = 10;
const MEASURED = Number(process.env.BENCH_WEBHOOK_SIGNOFFS ?? 600);
const RECEIVER_DELAY_MS = 2000;
/** Sign-offs that make the backlog (see below). */
const BURST = Number(process.env.BENCH_WEBHOOK_BURST ?? 1400);

export interface WebhookBenchResult {
  signoffIdleP95: number;
  signoffInFlightP95: number;
  ratio: number;
  /** Deliveries not yet answered when the in-flight measurement started and ended. */
  pendingAtStart: number;
  pendingAtEnd: number;
  non2xx: number;
}

type Pair = { runId: string; stepId: string };

/** `amount` sign-offs, `CONCURRENCY` at a time (closed loop), each on a fresh step; latencies in ms. */
async function signOffs(baseUrl: string, cookies: string[], pairs: Pair[], amount: number): Promise<{ latencies: number[]; non2xx: number }> {
  const latencies: number[] = [];
  let non2xx = 0;
  let issued = 0;
  const worker = async (index: number) => {
    while (issued < amount) {
      issued++;
      const pair = pairs.shift();
      if (!pair) throw new Error("Ran out of fresh steps to sign off; create more runs.");
      const response = await postJson(baseUrl, `/api/runs/${pair.runId}/steps/${pair.stepId}/actions`, cookies[index % cookies.length], { action: "done" });
      latencies.push(response.ms);
      if (response.status < 200 || response.status >= 300) non2xx++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
  return { latencies: latencies.sort((a, b) => a - b), non2xx };
}

export async function measureWebhooks(options: { baseUrl: string; databasePath: string; seeded: SeedResult; adminCookie: string; operatorCookies: string[]; log?: (message: string) => void }): Promise<WebhookBenchResult> {
  const { baseUrl, seeded, adminCookie } = options;
  const log = options.log ?? ((message: string) => console.log(`[bench webhooks] ${message}`));
  const cookies = options.operatorCookies.slice(0, CONCURRENCY);
  // Fresh rehearsal runs for every sign-off of the three phases, made before the endpoint exists.
  const needed = 2 * MEASURED + BURST + 50;
  const pairs: Pair[] = [];
  while (pairs.length < needed) {
    const run = await postJson(baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `Webhook bench ${pairs.length}` }, 120_000);
    if (run.status !== 200) throw new Error(`creating a run failed: ${run.status} ${run.text}`);
    const runId = (run.body as { id: string }).id;
    pairs.push(...seeded.signableStepIds.map((stepId) => ({ runId, stepId })));
  }

  await signOffs(baseUrl, cookies, pairs, 50); // warm-up
  const idle = await signOffs(baseUrl, cookies, pairs, MEASURED);
  const idleP95 = round1(percentile(idle.latencies, 95));
  log(`idle: sign-off p95 ${idleP95} ms over ${MEASURED}`);

  const receiver = await startWebhookReceiver();
  receiver.answer = () => ({ status: 200, delayMs: RECEIVER_DELAY_MS });
  const db = new Database(options.databasePath, { readonly: true, fileMustExist: true });
  try {
    const created = await postJson(baseUrl, `/api/projects/${seeded.projectId}/webhooks`, adminCookie, { name: "Bench receiver", url: `${receiver.url}/bench`, events: ["*"], allowPrivateNetwork: true });
    if (created.status !== 200) throw new Error(`registering the webhook failed: ${created.status} ${created.text}`);
    const endpointId = (created.body as { endpoint: { id: string } }).endpoint.id;
    const pending = () => (db.prepare(`SELECT count(*) AS n FROM webhook_delivery WHERE endpointId = ? AND status = 'PENDING'`).get(endpointId) as { n: number }).n;

    // The backlog: its deliveries queue behind a receiver that takes 2 s each (16 at a time, so
    // ~8 a second drain while the backlog is made); made a little larger than 1,000 so that 1,000
    // are still waiting when the measurement starts.
    await signOffs(baseUrl, cookies, pairs, BURST);
    const made = () => (db.prepare(`SELECT count(*) AS n FROM webhook_delivery WHERE endpointId = ?`).get(endpointId) as { n: number }).n;
    const deadline = Date.now() + 60_000;
    while (made() < BURST && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100)); // poll, not a fixed wait
    const pendingAtStart = pending();
    const loaded = await signOffs(baseUrl, cookies, pairs, MEASURED);
    const pendingAtEnd = pending();
    const inFlightP95 = round1(percentile(loaded.latencies, 95));
    log(`with ${pendingAtStart} deliveries queued (${pendingAtEnd} at the end, ${receiver.received.length} answered): sign-off p95 ${inFlightP95} ms`);
    // Stop the backlog so later measurements (and the server's stop) aren't held up by it.
    await fetch(`${baseUrl}/api/webhooks/${endpointId}`, { method: "DELETE", headers: { cookie: adminCookie, origin: baseUrl } }).then((r) => r.arrayBuffer());
    return { signoffIdleP95: idleP95, signoffInFlightP95: inFlightP95, ratio: Math.round((inFlightP95 / idleP95) * 100) / 100, pendingAtStart, pendingAtEnd, non2xx: idle.non2xx + loaded.non2xx };
  } finally {
    db.close();
    await receiver.close();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-webhooks-"));
  const databasePath = path.join(tmp, "bench.db");
  const seeded = seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "200", "--operators", "20", "--progress", "0"] });
  let server: ServerHandle | undefined;
  try {
    server = await startServer({ databasePath, env: { RUNSHEET_BENCH: "1" } });
    const adminCookie = await signIn(server.baseUrl, seeded.admin.email, seeded.password);
    const operatorCookies = await Promise.all(seeded.operators.slice(0, CONCURRENCY).map((op) => signIn(server!.baseUrl, op.email, seeded.password)));
    const result = await measureWebhooks({ baseUrl: server.baseUrl, databasePath, seeded, adminCookie, operatorCookies });
    console.log(JSON.stringify({ webhooks: result }, null, 2));
  } finally {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
