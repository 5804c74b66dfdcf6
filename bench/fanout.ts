/**
 * Live fan-out (issue 16): N watchers follow one run's live stream while an operator ticks steps
 * at 2 per second on the 300-step plan. Each watcher behaves as the run page now does
 * (components/live/use-live-updates.ts and run-board.tsx): it holds its own SSE connection with a
 * signed-in session cookie, parses each event's delta, applies a step delta in place, and asks
 * the server for a re-render (an RSC GET of the run page, as router.refresh does) only after a
 * gap in the event ids or an event that reshapes the page. With BENCH_FANOUT_LEGACY=1 the
 * watchers re-render on every event instead, as the page did before deltas.
 *
 * Measured per tick: from sending the sign-off to the moment the last watcher has applied it
 * (p50/p95 over ticks), and the server's CPU time (/proc/<pid>/stat) per tick per watcher.
 *
 * Run alone: `tsx bench/fanout.ts` (builds or reuses .next-bench like bench/run.ts, seeds the
 * same plan, merges `fanout` into bench/results.json). BENCH_FANOUT_LEVELS=1,10,100 picks levels.
 */
import http from "node:http";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { mergeIntoResults, runIfMain } from "./lib/results";
import { build, cpuTimeMs, distDir, hasBuild, seed, startServer, type SeedResult } from "./lib/server";
import { percentile, postJson, round1, signIn } from "./lib/http";

const TICKS_PER_SECOND = 2;
const DEFAULT_LEVELS = [1, 10, 50, 100, 500];

export interface FanoutLevel {
  watchers: number;
  ticks: number;
  p50: number;
  p95: number;
  max: number;
  cpuMsPerTick: number | null;
  cpuMsPerTickPerWatcher: number | null;
  /** Full re-renders the watchers asked for (gaps, page-shaping events), over all watchers. */
  refreshes: number;
  /** Re-render answers by HTTP status. */
  refreshStatus: Record<number, number>;
  /** Watcher-ticks that never arrived within the timeout. */
  missed: number;
}

interface Watcher {
  received: Map<string, number>;
  refreshes: number;
  refreshStatus: Record<number, number>;
  close: () => void;
}

const log = (message: string) => console.log(`[fanout ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** One watcher: an SSE connection of its own (agent: false, one socket, as each browser has). */
function openWatcher(options: { baseUrl: string; projectId: string; runId: string; cookie: string; legacy: boolean; onApplied: () => void; tickOrder: string[] }): Promise<Watcher> {
  const { baseUrl, projectId, runId, cookie } = options;
  const received = new Map<string, number>();
  const watcher: Watcher = { received, refreshes: 0, refreshStatus: {}, close: () => {} };
  // Events without a delta (the server before deltas) name the step run, not the step: the
  // n-th sign-off of the run is the n-th tick.
  let doneEvents = 0;
  let applied: number | null = null;
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  /** Step ids whose tick is applied once the pending re-render has come back. */
  let waitingForRefresh: string[] = [];
  const refreshPage = () => {
    watcher.refreshes++;
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    // The ticks this re-render can show: those announced before it was asked for.
    const covers = waitingForRefresh;
    waitingForRefresh = [];
    refreshing = new Promise<void>((resolve) => {
      // Next answers an RSC request without its cache-busting `_rsc` parameter with a 307 to the
      // URL that has it; the browser follows it, so do we.
      const get = (url: string, hops: number) => {
        const request = http.get(url, { headers: { cookie, rsc: "1" }, agent: false }, (response) => {
          const status = response.statusCode ?? 0;
          response.resume();
          if (status === 307 && response.headers.location && hops < 2) {
            response.on("end", () => get(new URL(response.headers.location!, baseUrl).toString(), hops + 1));
            return;
          }
          watcher.refreshStatus[status] = (watcher.refreshStatus[status] ?? 0) + 1;
          response.on("end", resolve);
          response.on("error", () => resolve());
        });
        request.on("error", () => resolve());
      };
      get(`${baseUrl}/projects/${projectId}/runs/${runId}`, 0);
    }).then(() => {
      refreshing = null;
      const now = performance.now();
      for (const stepId of covers) if (!received.has(stepId)) received.set(stepId, now);
      options.onApplied();
      if (refreshAgain) {
        refreshAgain = false;
        refreshPage();
      }
    });
  };
  return new Promise((resolve, reject) => {
    const params = new URLSearchParams({ runId, tab: randomUUID() });
    const request = http.get(`${baseUrl}/api/projects/${projectId}/events?${params}`, { headers: { cookie, accept: "text/event-stream" }, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding("utf8");
      let buffer = "";
      let opened = false;
      response.on("data", (text: string) => {
        buffer += text;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened && block.includes("event: presence")) {
            opened = true;
            resolve(watcher);
          }
          if (!block.startsWith("id: ") || !block.includes("event: change")) continue;
          const line = block.split("\n").find((l) => l.startsWith("data: "));
          if (!line) continue;
          const delta = JSON.parse(line.slice(6)) as { seq: number; prevSeq: number; runId: string | null; kind: string; step?: { stepId: string; status: string } };
          if (applied !== null && delta.seq <= applied) continue;
          const gap = applied !== null && delta.prevSeq > applied;
          applied = delta.seq;
          const patched = !options.legacy && (delta.runId !== runId || delta.kind === "step" || delta.kind === "fleet");
          const ours = delta.runId === runId && (delta as { action?: string }).action === "step.done";
          const stepId = ours ? (delta.step?.stepId ?? options.tickOrder[doneEvents]) : undefined;
          if (ours) doneEvents++;
          if (gap || !patched) {
            if (stepId) waitingForRefresh.push(stepId);
            refreshPage();
          } else if (stepId && !received.has(stepId)) {
            received.set(stepId, performance.now());
            options.onApplied();
          }
        }
      });
      response.on("error", () => {});
    });
    request.on("error", reject);
    watcher.close = () => request.destroy();
  });
}

export async function measureFanout(options: {
  baseUrl: string;
  serverPid: number;
  seeded: SeedResult;
  adminCookie: string;
  /** Signed-in sessions to spread the watchers over (and the first ticks the steps). */
  cookies: string[];
  levels?: number[];
  ticks?: number;
  legacy?: boolean;
}): Promise<Record<`n${number}`, FanoutLevel>> {
  const levels = options.levels ?? DEFAULT_LEVELS;
  const ticks = options.ticks ?? 30;
  const legacy = options.legacy ?? process.env.BENCH_FANOUT_LEGACY === "1";
  const results: Record<`n${number}`, FanoutLevel> = {};
  const { baseUrl, seeded } = options;
  if (seeded.signableStepIds.length < ticks + 2) throw new Error("Not enough signable steps for the fan-out ticks.");
  for (const n of levels) {
    // A fresh rehearsal per level: every tick signs off a step nobody has touched.
    const created = await postJson(baseUrl, `/api/projects/${seeded.projectId}/runs`, options.adminCookie, { kind: "REHEARSAL", name: `Fan-out ${n}` });
    if (created.status !== 200) throw new Error(`creating a run failed: ${created.status} ${created.text}`);
    const runId = (created.body as { id: string }).id;
    let wake: (() => void) | null = null;
    const onApplied = () => wake?.();
    const watchers: Watcher[] = [];
    const steps = seeded.signableStepIds.slice(0, ticks + 2);
    // Open in small batches: a page load storm is not what this measures.
    for (let i = 0; i < n; i += 25) {
      const batch = Array.from({ length: Math.min(25, n - i) }, (_, j) => openWatcher({ baseUrl, projectId: seeded.projectId, runId, cookie: options.cookies[(i + j) % options.cookies.length], legacy, onApplied, tickOrder: steps }));
      watchers.push(...(await Promise.all(batch)));
    }
    log(`n=${n}: ${watchers.length} watchers connected${legacy ? " (legacy: re-render on every event)" : ""}.`);
    const sentAt = new Map<string, number>();
    const cpuBefore = cpuTimeMs(options.serverPid);
    const started = performance.now();
    const tickCookie = options.cookies[0];
    const posts: Promise<unknown>[] = [];
    for (const [i, stepId] of steps.entries()) {
      const due = started + (i * 1000) / TICKS_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // the tick schedule, not a wait-for-condition
      sentAt.set(stepId, performance.now());
      posts.push(
        postJson(baseUrl, `/api/runs/${runId}/steps/${stepId}/actions`, tickCookie, { action: "done" }).then((r) => {
          if (r.status !== 200) throw new Error(`tick failed: ${r.status} ${r.text}`);
        }),
      );
    }
    await Promise.all(posts);
    // Every watcher has every tick, or 30 s passed since the last one.
    const deadline = performance.now() + 30_000;
    const complete = () => watchers.every((w) => steps.every((s) => w.received.has(s)));
    while (!complete() && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
      });
    }
    const cpuAfter = cpuTimeMs(options.serverPid);
    for (const w of watchers) w.close();
    // The first two ticks warm the path (delta build, statements); not measured.
    const measured = steps.slice(2);
    let missed = 0;
    const latencies = measured.map((stepId) => {
      let last = 0;
      for (const w of watchers) {
        const at = w.received.get(stepId);
        if (at === undefined) missed++;
        else last = Math.max(last, at - sentAt.get(stepId)!);
      }
      return last;
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    const cpuMsPerTick = cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / steps.length : null;
    const level: FanoutLevel = {
      watchers: n,
      ticks: measured.length,
      p50: round1(percentile(sorted, 50)),
      p95: round1(percentile(sorted, 95)),
      max: round1(sorted[sorted.length - 1]),
      cpuMsPerTick: cpuMsPerTick === null ? null : round1(cpuMsPerTick),
      cpuMsPerTickPerWatcher: cpuMsPerTick === null ? null : Math.round((cpuMsPerTick / n) * 1000) / 1000,
      refreshes: watchers.reduce((sum, w) => sum + w.refreshes, 0),
      refreshStatus: watchers.reduce<Record<number, number>>((all, w) => {
        for (const [status, count] of Object.entries(w.refreshStatus)) all[Number(status)] = (all[Number(status)] ?? 0) + count;
        return all;
      }, {}),
      missed,
    };
    results[`n${n}`] = level;
    log(`n=${n}: tick → every watcher p50 ${level.p50} ms, p95 ${level.p95} ms, max ${level.max} ms; server ${level.cpuMsPerTick} CPU-ms per tick (${level.cpuMsPerTickPerWatcher} per watcher); ${level.refreshes} re-renders ${JSON.stringify(level.refreshStatus)}, ${missed} missed; load avg ${os.loadavg()[0].toFixed(1)}`);
  }
  return results;
}

/** The keys bench/results.json keeps: fanout.n100.p95, fanout.n500.p95, fanout.n500.cpuMsPerTickPerWatcher, … */
export function fanoutJson(levels: Record<string, FanoutLevel>) {
  return Object.fromEntries(Object.entries(levels).map(([key, l]) => [key, { p50: l.p50, p95: l.p95, cpuMsPerTick: l.cpuMsPerTick, cpuMsPerTickPerWatcher: l.cpuMsPerTickPerWatcher, refreshes: l.refreshes, missed: l.missed }]));
}

async function standalone() {
  if (!(process.env.BENCH_SKIP_BUILD === "1" && hasBuild())) {
    log(`Building into ${distDir()} …`);
    build();
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-fanout-"));
  const databasePath = path.join(tmp, "bench.db");
  log("Seeding 300 steps in 8 phases, 5,000 fleet clients, 50 operators …");
  const seeded = seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "5000", "--operators", "50", "--progress", "80"] });
  const server = await startServer({ databasePath, env: { RUNSHEET_BENCH: "1" } });
  log(`Server ${server.baseUrl} (pid ${server.pid}).`);
  try {
    const adminCookie = await signIn(server.baseUrl, seeded.admin.email, seeded.password);
    const cookies: string[] = [];
    for (const op of seeded.operators) cookies.push(await signIn(server.baseUrl, op.email, seeded.password));
    const levels = process.env.BENCH_FANOUT_LEVELS ? process.env.BENCH_FANOUT_LEVELS.split(",").map(Number) : undefined;
    const result = await measureFanout({ baseUrl: server.baseUrl, serverPid: server.pid, seeded, adminCookie, cookies, levels });
    const key = process.env.BENCH_FANOUT_LEGACY === "1" ? "fanoutLegacy" : "fanout";
    log(`Merged "${key}" into ${mergeIntoResults(key, fanoutJson(result))}.`);
  } catch (error) {
    console.error(server.output().slice(-5000));
    throw error;
  } finally {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, standalone);
