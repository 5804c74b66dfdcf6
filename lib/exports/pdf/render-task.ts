import { move } from "piscina";
import type { RunExportData } from "../run-export-data";
import { renderRunDocument } from "./render";
import { unpackPdfTask, type PackedPdfTask } from "./task-codec";

/**
 * The PDF worker's handler (bundled by build-render-worker.mjs, loaded by render-worker.mjs).
 * Should an evidence thumbnail arrive as a plain Uint8Array rather than a Buffer (react-pdf wants
 * Buffers), it is wrapped again (no copy). The PDF goes back as a transferred ArrayBuffer, not a
 * copy.
 */
export default async function renderPdfTask(packed: PackedPdfTask): Promise<Uint8Array> {
  const task = unpackPdfTask(packed);
  const data = reviveBuffers(task.data);
  const pdf = await renderRunDocument(data, task.generatedBy);
  // A Buffer may be a view into a shared pool slab, which must not be transferred: copy then.
  const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength ? new Uint8Array(pdf.buffer, 0, pdf.byteLength) : new Uint8Array(pdf);
  return move(own) as unknown as Uint8Array;
}

/** The task is this thread's own copy (structured clone), so it is fixed up in place. */
function reviveBuffers(data: RunExportData): RunExportData {
  for (const step of [...data.steps, ...data.phases.flatMap((phase) => phase.steps)]) {
    for (const e of step.evidence) if (e.image && !Buffer.isBuffer(e.image.data)) e.image.data = toBuffer(e.image.data);
  }
  return data;
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
