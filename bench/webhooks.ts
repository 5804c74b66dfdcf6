/**
 * Webhook load vs sign-offs: sign-off p95 at concurrency 10 with no webhook (half measured before,
 * half after), and with 1,000+ deliveries queued and in flight to a slow receiver on loopback (each
 * answer takes 2 s, so the dispatcher's 16 sockets are busy all the time and the backlog stays
 * high while we measure). Goal: the second p95 at most 10 % above the first. Server CPU per
 * sign-off is reported too: on a shared machine it is the steadier of the two.
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
import { runIfMain } from "./lib/results";
import { cpuTimeMs, seed, startServer, type SeedResult, type ServerHandle } from "./lib/server";
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
  /**
   * Server CPU time per sign-off in each phase (everything the process did, the dispatcher's
   * work included, divided by the sign-offs): unlike p95, it doesn't move with the machine's load.
   */
  cpuMsPerSignoffIdle: number | null;
  cpuMsPerSignoffInFlight: number | null;
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

export async function measureWebhooks(options: {
  baseUrl: string;
  databasePath: string;
  seeded: SeedResult;
  adminCookie: string;
  operatorCookies: string[];
  serverPid: number;
  log?: (message: string) => void;
}): Promise<WebhookBenchResult> {
  const cpuPerSignoff = async <T extends { latencies: number[] }>(run: () => Promise<T>) => {
    const before = cpuTimeMs(options.serverPid);
    const result = await run();
    const after = cpuTimeMs(options.serverPid);
    return { ...result, cpuMs: before !== null && after !== null ? round1((after - before) / result.latencies.length) : null };
  };
  const { baseUrl, seeded, adminCookie } = options;
  const log = options.log ?? ((message: string) => console.log(`[bench webhooks] ${message}`));
  const cookies = options.operatorCookies.slice(0, CONCURRENCY);
  // Fresh rehearsal runs for every sign-off of the three phases, made before the endpoint exists.
  const needed = 3 * MEASURED + BURST + 200;
  const pairs: Pair[] = [];
  while (pairs.length < needed) {
    const run = await postJson(baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `Webhook bench ${pairs.length}` }, 120_000);
    if (run.status !== 200) throw new Error(`creating a run failed: ${run.status} ${run.text}`);
    const runId = (run.body as { id: string }).id;
    pairs.push(...seeded.signableStepIds.map((stepId) => ({ runId, stepId })));
  }

  await signOffs(baseUrl, cookies, pairs, 200); // warm-up
  // Idle is measured before and after the webhook phase (half each), so neither side gets the
  // machine's quieter or busier minute, nor the database's earlier, smaller state, to itself.
  const idleBefore = await cpuPerSignoff(() => signOffs(baseUrl, cookies, pairs, MEASURED / 2));

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
    const loaded = await cpuPerSignoff(() => signOffs(baseUrl, cookies, pairs, MEASURED));
    const pendingAtEnd = pending();
    const inFlightP95 = round1(percentile(loaded.latencies, 95));
    log(`with ${pendingAtStart} deliveries queued (${pendingAtEnd} at the end, ${receiver.received.length} answered): sign-off p95 ${inFlightP95} ms, ${loaded.cpuMs} server CPU-ms per sign-off`);
    // Stop the backlog (deleting the endpoint), then the second half of the idle measurement.
    await fetch(`${baseUrl}/api/webhooks/${endpointId}`, { method: "DELETE", headers: { cookie: adminCookie, origin: baseUrl } }).then((r) => r.arrayBuffer());
    const idleAfter = await cpuPerSignoff(() => signOffs(baseUrl, cookies, pairs, MEASURED / 2));
    const idleLatencies = [...idleBefore.latencies, ...idleAfter.latencies].sort((a, b) => a - b);
    const idleP95 = round1(percentile(idleLatencies, 95));
    const idleCpu = idleBefore.cpuMs !== null && idleAfter.cpuMs !== null ? round1((idleBefore.cpuMs + idleAfter.cpuMs) / 2) : null;
    log(`idle (before and after): sign-off p95 ${idleP95} ms over ${idleLatencies.length} (${round1(percentile(idleBefore.latencies, 95))} ms before, ${round1(percentile(idleAfter.latencies, 95))} ms after), ${idleCpu} server CPU-ms per sign-off`);
    return {
      signoffIdleP95: idleP95,
      signoffInFlightP95: inFlightP95,
      ratio: Math.round((inFlightP95 / idleP95) * 100) / 100,
      pendingAtStart,
      pendingAtEnd,
      non2xx: idleBefore.non2xx + idleAfter.non2xx + loaded.non2xx,
      cpuMsPerSignoffIdle: idleCpu,
      cpuMsPerSignoffInFlight: loaded.cpuMs,
    };
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
    // BENCH_CPU_PROF=1: a CPU profile of the server into bench/.tmp/profiles (as bench/run.ts does).
    const nodeArgs = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${path.join(path.dirname(fileURLToPath(import.meta.url)), ".tmp", "profiles")}`] : [];
    server = await startServer({ databasePath, env: { RUNSHEET_BENCH: "1" }, nodeArgs });
    const adminCookie = await signIn(server.baseUrl, seeded.admin.email, seeded.password);
    const operatorCookies = await Promise.all(seeded.operators.slice(0, CONCURRENCY).map((op) => signIn(server!.baseUrl, op.email, seeded.password)));
    const result = await measureWebhooks({ baseUrl: server.baseUrl, databasePath, seeded, adminCookie, operatorCookies, serverPid: server.pid });
    console.log(JSON.stringify({ webhooks: result }, null, 2));
  } finally {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, main);
