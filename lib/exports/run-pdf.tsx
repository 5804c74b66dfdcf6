import "server-only";
import { Font, renderToBuffer } from "@react-pdf/renderer";
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
