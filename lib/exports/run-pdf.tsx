import "server-only";
import { prisma } from "../platform/db/client";
import { getPdfPoolLoad, renderPdfInPool } from "./pdf-pool";
import { loadRunExportData, type RunExportData } from "./run-export-data";
import { exportFilename } from "./text";

export { IN_PROGRESS_MARK } from "./pdf/marks";

/**
 * Renders already-loaded export data, in a PDF worker (lib/exports/pdf-pool.ts). Uses only the
 * built-in PDF fonts: nothing is fetched.
 */
export async function runPdfBuffer(data: RunExportData, generatedBy: string): Promise<Buffer> {
  return (await renderPdfInPool({ load: async () => data, generatedBy })).pdf;
}

/**
 * The run as a PDF record, generated on the server without a browser. The record is read from the
 * database on this thread when a PDF worker is free for it, and laid out in that worker; a busy
 * server answers PdfQueueFullError (503) instead of queueing without end.
 */
export async function renderRunPdf(options: { runId: string; generatedBy: string; now?: Date; signal?: AbortSignal }): Promise<{ pdf: Buffer; filename: string; final: boolean }> {
  const { pdf, data } = await renderPdfInPool({ load: () => loadRunExportData(options), generatedBy: options.generatedBy, signal: options.signal });
  return { pdf, filename: exportFilename(data.project.name, data.run.name, "pdf"), final: data.run.finished };
}

/**
 * Passes of the warm-up render. Measured on the benchmark's 300-step, 5,000-client run: after one
 * pass the first real export still took about 1 s longer than the next (V8 had optimised only
 * part of react-pdf's layout code); after three, the first was as fast as any later one.
 */
const WARM_UP_PASSES = 3;

/**
 * Starts a PDF worker and has it render a cut-down copy of the newest run's record (a few steps
 * per phase, a few hundred clients and audit events) WARM_UP_PASSES times, thrown away. The first
 * export of the night then doesn't pay for starting the worker and loading react-pdf (~1 s), nor
 * for layout code V8 has not optimised yet (about a third longer per render). Run in the
 * background a few seconds after start-up; each pass takes a slot like any export, so a real
 * export waits for one pass at most. The pool keeps this one worker.
 */
export async function warmUpPdfRenderer(): Promise<void> {
  const latest = await prisma.run.findFirst({ orderBy: { startedAt: "desc" }, select: { id: true } });
  if (!latest) return;
  let cutDown: RunExportData | null = null;
  const load = async (): Promise<RunExportData> => {
    if (cutDown) return cutDown;
    const data = await loadRunExportData({ runId: latest.id });
    const phases = data.phases.map((phase) => ({ ...phase, steps: phase.steps.slice(0, 6) }));
    cutDown = {
      ...data,
      phases,
      steps: phases.flatMap((phase) => phase.steps),
      fleet: data.fleet ? { ...data.fleet, rows: data.fleet.rows.slice(0, 600) } : null,
      audit: { ...data.audit, events: data.audit.events.slice(0, 120) },
    };
    return cutDown;
  };
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
    // Real exports come first: with one worker and no queue (RUNSHEET_PDF_QUEUE=0) a warm-up pass
    // would have it refused, with several the next pass could warm another thread.
    if (pass > 0) {
      const busy = getPdfPoolLoad();
      if (busy.running > 0 || busy.waiting > 0) return;
    }
    await renderPdfInPool({ generatedBy: "warm-up", load });
  }
}
