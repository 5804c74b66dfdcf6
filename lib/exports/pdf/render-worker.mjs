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
import { pathToFileURL } from "node:url";
import { ensureRenderWorker } from "./build-render-worker.mjs";

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
