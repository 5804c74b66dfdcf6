/**
 * Builds and runs the production server for the benchmark and the fault tests: its own build
 * folder (.next-bench), its own SQLite file, a loopback port in 3200–3299, and helpers to stop
 * it politely or with SIGKILL. No fixed sleeps: everything waits for a condition.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const nextBin = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
/** Our server: next start plus the connection's own address (lib/platform/server/serve.mjs). */
const serveScript = path.join(repoRoot, "lib", "platform", "server", "serve.mjs");
const tsxBin = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");

/** The build folder: RUNSHEET_BENCH_DIST_DIR points at an existing build, else .next-bench. */
export function distDir(): string {
  return process.env.RUNSHEET_BENCH_DIST_DIR || ".next-bench";
}

export function hasBuild(dir = distDir()): boolean {
  return fs.existsSync(path.join(repoRoot, dir, "BUILD_ID"));
}

/** `next build` into `dir`; output is streamed with a prefix. Throws when the build fails. */
export function build(dir = distDir()): number {
  const started = Date.now();
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: repoRoot,
    env: { ...process.env, NEXT_DIST_DIR: dir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error(`next build into ${dir} failed (exit ${result.status})`);
  return Date.now() - started;
}

/** Builds only when there is no build yet (fault tests). */
export function ensureBuild(dir = distDir()): void {
  if (hasBuild(dir)) return;
  if (process.env.RUNSHEET_BENCH_DIST_DIR) throw new Error(`RUNSHEET_BENCH_DIST_DIR=${dir} has no BUILD_ID; build it first.`);
  build(dir);
}

/** A free loopback port in [from, to]; tried in random order so parallel users rarely collide. */
export async function freePort(from = 3200, to = 3299): Promise<number> {
  const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i).sort(() => Math.random() - 0.5);
  for (const port of ports) {
    const ok = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`No free port in ${from}–${to}`);
}

export const BENCH_SECRET = "runsheet-bench-secret-0123456789abcdef0123456789";

export interface ServerHandle {
  port: number;
  baseUrl: string;
  /** The next-server process (next start serves in the process it was started as). */
  pid: number;
  proc: ChildProcess;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
  kill9: () => Promise<void>;
}

export async function startServer(options: { databasePath: string; port?: number; env?: Record<string, string>; nodeArgs?: string[]; timeoutMs?: number }): Promise<ServerHandle> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), serveScript], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NEXT_DIST_DIR: distDir(),
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: `file:${options.databasePath}`,
      RUNSHEET_SEED: "none",
      BETTER_AUTH_SECRET: BENCH_SECRET,
      BETTER_AUTH_URL: baseUrl,
      // Measurements without a backup copying the file now and then (tests/faults turn it on).
      RUNSHEET_BACKUP_EVERY_MINUTES: "off",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  proc.stdout!.on("data", append);
  proc.stderr!.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) throw new Error(`next start exited before it was ready:\n${log}`);
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`next start not ready after ${options.timeoutMs ?? 60_000} ms:\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/login`, { redirect: "manual", signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // poll interval, not a wait-for-time
  }

  return {
    port,
    baseUrl,
    pid: proc.pid!,
    proc,
    output: () => log,
    exited,
    stop: async () => {
      if (hasExited) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    kill9: async () => {
      if (hasExited) return;
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

/** Peak resident set size of a process (VmHWM), in MiB, or null when it's gone. */
export function peakRssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms; null when it's gone. */
export function cpuTimeMs(pid: number): number | null {
  try {
    // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export interface SeedResult {
  password: string;
  admin: { id: string; email: string };
  operators: { id: string; email: string; name: string }[];
  projectId: string;
  liveRunId: string | null;
  fleetStepId: string | null;
  /** Forward TASK steps without predecessors (and not the fleet step): each can be signed off at once in a fresh run. */
  signableStepIds: string[];
  /** Of those, the ones still pending in the live run. */
  pendingInLiveRun: string[];
  counts: { steps: number; phases: number; clients: number; fleetClientRuns: number; users: number; auditEvents: number };
  ms: number;
}

/** Runs bench/seed-large.ts in its own process (lib/ needs the react-server condition and one DB per process). */
export function seed(options: { databasePath: string; args?: string[] }): SeedResult {
  const result = spawnSync(process.execPath, [tsxBin, "--conditions=react-server", path.join(repoRoot, "bench", "seed-large.ts"), ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: `file:${options.databasePath}`, RUNSHEET_SEED: "none", BETTER_AUTH_SECRET: BENCH_SECRET, NODE_ENV: "production" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split("\n").find((l) => l.startsWith("SEED_RESULT "));
  if (result.status !== 0 || !line) throw new Error(`seed failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line.slice("SEED_RESULT ".length)) as SeedResult;
}

/** Runs a TypeScript file with tsx (used for lib/cli scripts). */
export function tsxArgs(file: string, args: string[] = []): string[] {
  return [tsxBin, path.join(repoRoot, file), ...args];
}

export function removeDatabase(databasePath: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(databasePath + suffix, { force: true });
}
