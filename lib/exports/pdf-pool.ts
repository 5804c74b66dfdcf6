import "server-only";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { AppError } from "../platform/errors";
import { packPdfTask } from "./pdf/task-codec";
import type { RunExportData } from "./run-export-data";

/**
 * PDF rendering off the main thread. Laying out a large run's record takes seconds of CPU; done on
 * the server's one JavaScript thread it held up every sign-off and page behind it (issue 16: a
 * 5 ms sign-off took 1.35 s while six people exported). Here the main thread only checks access,
 * loads the record from the database and hands plain data to a worker thread (piscina), which
 * sends the PDF's bytes back.
 *
 * Exports take a slot: at most `workers` of them load and render at once, up to `queue` more wait
 * their turn in order, and any beyond that are refused at once with 503 and Retry-After rather
 * than piling up memory and minutes. The record is loaded when the slot is taken, not when the
 * request arrives, so a waiting export shows the run as it is when its turn comes and holds no
 * data while it waits.
 */

export interface PdfPoolSettings {
  /** Worker threads rendering at once (RUNSHEET_PDF_WORKERS; default: cores − 1, at least 1). */
  workers: number;
  /** Exports that may wait for a worker (RUNSHEET_PDF_QUEUE; default 20). */
  queue: number;
  /** A worker beyond the first exits after this long without work (RUNSHEET_PDF_IDLE_SECONDS; default 60). */
  idleSeconds: number;
  /**
   * How much lower the workers' CPU priority is than the main thread's (RUNSHEET_PDF_NICE, a nice
   * increment from 0 to 19; default 10): on a busy machine a sign-off's few milliseconds go first.
   * Linux only (lib/exports/pdf/render-worker.mjs).
   */
  nice: number;
  /** The worker's entry file and its workerData. Tests put a wrapper around the real one; the app never sets them. */
  workerFile?: string;
  workerData?: unknown;
}

/** Seconds a refused export is told to wait (the Retry-After header). */
export const PDF_RETRY_AFTER_SECONDS = 60;

/** Every worker slot and the queue are taken: try again later. Nothing was started. */
export class PdfQueueFullError extends AppError {
  readonly retryAfterSeconds = PDF_RETRY_AFTER_SECONDS;
  constructor() {
    super("Too many PDF exports at once; try again in a minute.", 503, "pdf_busy");
  }
}

/** The person gave up (closed the tab) while the export waited its turn; nobody reads this answer. */
export class PdfExportCancelledError extends AppError {
  constructor() {
    super("The PDF export was cancelled while it waited for a free renderer.", 499, "cancelled");
  }
}

/** The renderer failed on this record (or its worker died). Other exports are not affected. */
export class PdfRenderError extends AppError {
  constructor() {
    super("The PDF could not be made: the renderer failed on this run's record. Nothing was changed, and other exports go on; try again, or export the run as CSV or JSON. The server log has the details.", 500, "pdf_failed");
  }
}

function readCount(name: string, fallback: number, min: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min} (it is "${raw}").`);
  return value;
}

/** The settings from the environment (read when the pool starts). */
export function pdfPoolSettingsFromEnv(): PdfPoolSettings {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return {
    workers: readCount("RUNSHEET_PDF_WORKERS", Math.max(1, cores - 1), 1),
    queue: readCount("RUNSHEET_PDF_QUEUE", 20, 0),
    idleSeconds: readCount("RUNSHEET_PDF_IDLE_SECONDS", 60, 1),
    nice: Math.min(19, readCount("RUNSHEET_PDF_NICE", 10, 0)),
  };
}

interface Waiter {
  grant: () => void;
  refuse: (error: unknown) => void;
}

interface PoolState {
  settings: PdfPoolSettings;
  piscina: Piscina;
  running: number;
  waiting: Waiter[];
}

// One pool per server process, kept on globalThis so a module evaluated twice (route bundles,
// instrumentation) still shares it.
const holder = globalThis as typeof globalThis & { runsheetPdfPool?: PoolState };

function startPool(settings: PdfPoolSettings): PoolState {
  const piscina = new Piscina({
    // render-worker.mjs is loaded by Node as it is, from the app's folder (the server runs there;
    // see lib/platform/server/serve.mjs), never from the bundled server code.
    filename: settings.workerFile ?? path.join(process.cwd(), "lib", "exports", "pdf", "render-worker.mjs"),
    workerData: settings.workerData,
    env: { ...process.env, RUNSHEET_PDF_NICE: String(settings.nice) },
    maxThreads: settings.workers,
    // One warm worker stays (instrumentation.ts warms it at start); the others go when idle.
    minThreads: 1,
    idleTimeout: settings.idleSeconds * 1000,
    // The slots below never hand piscina more tasks than it has threads.
    concurrentTasksPerWorker: 1,
  });
  // A worker that fails to start is reported by the task it was started for; this only keeps an
  // error without a task from becoming an uncaught exception that would end the server.
  piscina.on("error", (error) => console.error("PDF worker pool:", error));
  return { settings, piscina, running: 0, waiting: [] };
}

function pool(): PoolState {
  holder.runsheetPdfPool ??= startPool(pdfPoolSettingsFromEnv());
  return holder.runsheetPdfPool;
}

/**
 * Replaces the pool (tests: a small queue, a test worker). The old pool's workers are stopped; a
 * render still running there fails (PdfRenderError).
 */
export async function configurePdfPool(settings: Partial<PdfPoolSettings>): Promise<void> {
  const previous = holder.runsheetPdfPool;
  holder.runsheetPdfPool = startPool({ ...pdfPoolSettingsFromEnv(), ...settings });
  if (previous) await previous.piscina.destroy();
}

/** Stops the workers (tests; the server's threads end with it). */
export async function closePdfPool(): Promise<void> {
  const previous = holder.runsheetPdfPool;
  holder.runsheetPdfPool = undefined;
  if (previous) await previous.piscina.destroy();
}

/** Exports rendering or loading now, and waiting for a slot. */
export function getPdfPoolLoad(): { running: number; waiting: number; workers: number; queue: number } {
  const state = holder.runsheetPdfPool;
  if (!state) return { running: 0, waiting: 0, workers: 0, queue: 0 };
  return { running: state.running, waiting: state.waiting.length, workers: state.settings.workers, queue: state.settings.queue };
}

async function takeSlot(state: PoolState, signal?: AbortSignal): Promise<void> {
  if (state.running < state.settings.workers && state.waiting.length === 0) {
    state.running++;
    return;
  }
  if (state.waiting.length >= state.settings.queue) throw new PdfQueueFullError();
  if (signal?.aborted) throw new PdfExportCancelledError();
  await new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
      grant: () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      refuse: reject,
    };
    // Someone who gave up waiting (closed the tab) leaves the queue instead of being rendered for.
    const onAbort = () => {
      const index = state.waiting.indexOf(waiter);
      if (index >= 0) state.waiting.splice(index, 1);
      reject(new PdfExportCancelledError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    state.waiting.push(waiter);
  });
}

function releaseSlot(state: PoolState): void {
  const next = state.waiting.shift();
  // The slot passes straight to the next in line, so `running` stays the same.
  if (next) next.grant();
  else state.running--;
}

/**
 * Takes a slot (or waits in the queue, or is refused with PdfQueueFullError), loads the record with
 * `load` on this thread, and renders it in a worker.
 */
export async function renderPdfInPool<D extends RunExportData>(options: { load: () => Promise<D>; generatedBy: string; signal?: AbortSignal }): Promise<{ pdf: Buffer; data: D }> {
  const state = pool();
  await takeSlot(state, options.signal);
  try {
    const data = await options.load();
    const { packed, transferList } = await packPdfTask({ data, generatedBy: options.generatedBy });
    let bytes: Uint8Array;
    try {
      bytes = (await state.piscina.run(packed, { transferList })) as Uint8Array;
    } catch (error) {
      console.error(`PDF rendering of run ${data.run.id} failed`, error);
      throw new PdfRenderError();
    }
    return { pdf: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), data };
  } finally {
    releaseSlot(state);
  }
}
