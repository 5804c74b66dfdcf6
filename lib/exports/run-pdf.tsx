import "server-only";
import { prisma } from "../platform/db/client";
import { renderPdfInPool } from "./pdf-pool";
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
 * Starts a PDF worker and has it render a cut-down copy of the newest run's record (a few steps
 * per phase, a few hundred clients and audit events), thrown away. The first export of the night
 * then doesn't pay for starting the worker and loading react-pdf (~1 s), and until V8 has
 * optimised react-pdf's text layout a render takes about a third longer: measured on the
 * benchmark's 300-step, 5,000-client run, the first export took 3.2 s and later ones 2.5 s.
 * Run once, in the background, a few seconds after start-up; the pool keeps this one worker.
 */
export async function warmUpPdfRenderer(): Promise<void> {
  const latest = await prisma.run.findFirst({ orderBy: { startedAt: "desc" }, select: { id: true } });
  if (!latest) return;
  await renderPdfInPool({
    generatedBy: "warm-up",
    load: async (): Promise<RunExportData> => {
      const data = await loadRunExportData({ runId: latest.id });
      const phases = data.phases.map((phase) => ({ ...phase, steps: phase.steps.slice(0, 6) }));
      return {
        ...data,
        phases,
        steps: phases.flatMap((phase) => phase.steps),
        fleet: data.fleet ? { ...data.fleet, rows: data.fleet.rows.slice(0, 600) } : null,
        audit: { ...data.audit, events: data.audit.events.slice(0, 120) },
      };
    },
  });
}
