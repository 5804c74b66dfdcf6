import { Font, renderToBuffer } from "@react-pdf/renderer";
import type { RunExportData } from "../run-export-data";
import { breakLongWord } from "../text";
import { RunDocument } from "./run-document";

// No dictionary hyphenation (it would split words in titles and names), but long tokens —
// paths, host names, hashes — may break so they wrap instead of running off the page.
Font.registerHyphenationCallback(breakLongWord);

/**
 * Lays out already-loaded export data as the PDF record. Pure CPU: no database, no session, no
 * `server-only`, so it runs in the PDF worker threads (render-task.ts) as well as in-process.
 * Uses only the built-in PDF fonts: nothing is fetched.
 */
export async function renderRunDocument(data: RunExportData, generatedBy: string): Promise<Buffer> {
  return renderToBuffer(<RunDocument data={data} generatedBy={generatedBy} />);
}
