// @ts-check
/**
 * Entry of a PDF worker thread (lib/exports/pdf-pool.ts starts them with piscina). Plain
 * JavaScript that Node loads as it is, from the app's folder, so it works the same under the
 * production server, Vitest and the CLI; the rendering code is TypeScript and JSX, bundled by
 * build-render-worker.mjs (rebuilt here first when it is missing or out of date).
 *
 * The code loads when the thread starts, before its first task arrives; a task that comes
 * sooner waits for it. A failure to build or load is reported by every task, not swallowed.
 */
import fs from "node:fs";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { ensureRenderWorker } from "./build-render-worker.mjs";

/**
 * Lowers this thread's CPU priority (RUNSHEET_PDF_NICE, default 10; 0 leaves it). A render is
 * seconds of CPU that nobody waits for to the millisecond; a sign-off is a few milliseconds that
 * someone at 3 a.m. is waiting for. On a busy machine the scheduler should pick the server's main
 * thread first. Linux keeps a nice value per thread, and setpriority() with a thread's id changes
 * only that thread; /proc/thread-self names this thread. Elsewhere the thread keeps its priority.
 */
function lowerThreadPriority() {
  const raw = process.env.RUNSHEET_PDF_NICE?.trim();
  const increment = raw ? Number(raw) : 10;
  if (!Number.isInteger(increment) || increment < 0 || increment > 19) throw new Error(`RUNSHEET_PDF_NICE must be a whole number from 0 to 19 (it is "${raw}").`);
  if (increment === 0) return;
  let tid;
  try {
    tid = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return; // not Linux
  }
  if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return; // never the main thread
  os.setPriority(tid, Math.min(19, os.getPriority(tid) + increment));
}
lowerThreadPriority();

const handler = ensureRenderWorker().then(async (bundle) => {
  const mod = await import(pathToFileURL(bundle).href);
  return /** @type {(task: unknown) => Promise<unknown>} */ (mod.default);
});
// Reported by the task that awaits it; without this the thread would die of an unhandled rejection.
handler.catch(() => undefined);

/** @param {unknown} task */
export default async function renderPdf(task) {
  return (await handler)(task);
}
