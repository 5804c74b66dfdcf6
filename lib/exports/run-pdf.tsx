import "server-only";
import { Font, renderToBuffer } from "@react-pdf/renderer";
import { prisma } from "../platform/db/client";
import { RunDocument } from "./pdf/run-document";
import { loadRunExportData, type RunExportData } from "./run-export-data";
import { breakLongWord, exportFilename } from "./text";

// No dictionary hyphenation (it would split words in titles and names), but long tokens —
// paths, host names, hashes — may break so they wrap instead of running off the page.
Font.registerHyphenationCallback(breakLongWord);

export { IN_PROGRESS_MARK } from "./pdf/run-document";

/** Renders already-loaded export data. Uses only the built-in PDF fonts: nothing is fetched. */
export async function runPdfBuffer(data: RunExportData, generatedBy: string): Promise<Buffer> {
  return renderToBuffer(<RunDocument data={data} generatedBy={generatedBy} />);
}

/** The run as a PDF record, generated on the server without a browser. */
export async function renderRunPdf(options: { runId: string; generatedBy: string; now?: Date }): Promise<{ pdf: Buffer; filename: string; final: boolean }> {
  const data = await loadRunExportData(options);
  const pdf = await runPdfBuffer(data, options.generatedBy);
  return { pdf, filename: exportFilename(data.project.name, data.run.name, "pdf"), final: data.run.finished };
}

/**
 * Renders a cut-down copy of the newest run's record (a few steps per phase, a few hundred
 * clients and audit events) and throws it away. Until V8 has optimised react-pdf's text layout,
 * a render takes about a third longer: measured on the benchmark's 300-step, 5,000-client run,
 * the first export took 3.2 s and later ones 2.5 s. Run once, in the background, a few seconds
 * after start-up (~0.6 s of CPU for that run), so it doesn't compete with reconnecting browsers.
 */
export async function warmUpPdfRenderer(): Promise<void> {
  const latest = await prisma.run.findFirst({ orderBy: { startedAt: "desc" }, select: { id: true } });
  if (!latest) return;
  const data = await loadRunExportData({ runId: latest.id });
  const phases = data.phases.map((phase) => ({ ...phase, steps: phase.steps.slice(0, 6) }));
  const sample: RunExportData = {
    ...data,
    phases,
    steps: phases.flatMap((phase) => phase.steps),
    fleet: data.fleet ? { ...data.fleet, rows: data.fleet.rows.slice(0, 600) } : null,
    audit: { ...data.audit, events: data.audit.events.slice(0, 120) },
  };
  await runPdfBuffer(sample, "warm-up");
}
