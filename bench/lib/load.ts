/**
 * The closed-loop load of the sign-off levels (autocannon), shared by `npm run bench`
 * (bench/run.ts), its PostgreSQL part and the sign-off-only run (bench/signoff.ts).
 */
import autocannon from "autocannon";
import { cpuTimeMs } from "./server";
import { percentile, round1 } from "./http";

export interface Stats {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}
export interface LoadOutcome {
  stats: Stats;
  statusCounts: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** From the first request to the last response. */
  wallMs: number;
  /** Server CPU time (user + system) per request: independent of how busy the machine is. */
  cpuMsPerRequest: number | null;
  /** Every response's latency, sorted (to merge loads against several instances). */
  latencies: number[];
}


/**
 * One autocannon run. Sign-offs: every request takes the next unused (run, step) pair and the
 * next operator's cookie (round-robin over `cookies`, so at concurrency c there are c operators
 * in flight). Floor: the same headers and body against /api/bench/floor.
 */
export async function load(
  baseUrl: string,
  options: { kind: "signoff" | "floor"; connections: number; amount: number; pairs: { runId: string; stepId: string }[]; cookies: string[]; serverPid: number },
): Promise<LoadOutcome> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const body = JSON.stringify({ action: "done" });
  let counter = 0;
  const cpuBefore = cpuTimeMs(options.serverPid);
  const started = performance.now();
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const options_: autocannon.Options = {
    url: baseUrl,
    connections: options.connections,
    amount: options.amount,
    timeout: 30,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const cookie = options.cookies[counter++ % options.cookies.length];
          let pathname = "/api/bench/floor";
          if (options.kind === "signoff") {
            const pair = options.pairs.shift();
            if (!pair) throw new Error("Ran out of fresh steps to sign off; create more runs.");
            pathname = `/api/runs/${pair.runId}/steps/${pair.stepId}/actions`;
          }
          return { ...request, path: pathname, headers: { "content-type": "application/json", cookie, origin: baseUrl }, body };
        },
      },
    ],
  };
  const instance = autocannon(options_, (error, result) => (error ? fail(error) : finish(result)));
  // Throughput runs to the last response, not to autocannon's end: that comes on its 1 s ticker,
  // which made every level take a whole number of seconds and rounded req/s down (200 sign-offs
  // in 1.1 s read as 99/s).
  let lastResponseAt = started;
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    lastResponseAt = performance.now();
    latencies.push(responseTime);
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
  });
  const result = await finished;
  const wallMs = lastResponseAt - started;
  const cpuAfter = cpuTimeMs(options.serverPid);
  return summarizeLoad({ latencies, statusCounts, errors: result.errors, timeouts: result.timeouts, wallMs, cpuBefore, cpuAfter });
}

/** A load's outcome from its raw answers; `latencies` is sorted in place. */
export function summarizeLoad(raw: { latencies: number[]; statusCounts: Record<string, number>; errors: number; timeouts: number; wallMs: number; cpuBefore: number | null; cpuAfter: number | null }): LoadOutcome {
  const { latencies, statusCounts, wallMs, cpuBefore, cpuAfter } = raw;
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statusCounts).reduce((sum, [code, n]) => (code.startsWith("2") ? sum : sum + n), 0);
  return {
    // Percentiles over every response (a slow error must not improve the numbers).
    stats: { p50: round1(percentile(latencies, 50)), p95: round1(percentile(latencies, 95)), p99: round1(percentile(latencies, 99)), rps: round1((latencies.length / wallMs) * 1000) },
    statusCounts,
    non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    wallMs,
    cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? round1((cpuAfter - cpuBefore) / Math.max(latencies.length, 1)) : null,
    latencies,
  };
}

