import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import v8 from "node:v8";
import type { RunExportData } from "../run-export-data";

/** What the main thread sends a PDF worker: plain, structured-cloneable data. */
export interface PdfRenderTask {
  data: RunExportData;
  generatedBy: string;
}

/**
 * A task on its way to a worker: the record in serialized parts whose buffers are transferred,
 * not copied. Cloning a large record in one go (postMessage does) is one block of the main thread
 * (10–50 ms for 5,000 clients); in parts, with breaks between, a sign-off waits for one part at
 * most. The fleet rows and the audit events are the long lists, so they go in pages.
 */
export interface PackedPdfTask {
  generatedBy: string;
  /** v8-serialized: the record without its long lists, then pages of fleet rows, then of audit events. */
  parts: Uint8Array[];
  fleetPages: number;
}

const ROWS_PER_PART = 1000;

function pages<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_PART) out.push(rows.slice(i, i + ROWS_PER_PART));
  return out;
}

/** A buffer of its own (transferable), not a view into a shared one. */
function own(bytes: Buffer): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? new Uint8Array(bytes.buffer, 0, bytes.byteLength) : new Uint8Array(bytes);
}

export async function packPdfTask(task: PdfRenderTask): Promise<{ packed: PackedPdfTask; transferList: ArrayBuffer[] }> {
  const { data } = task;
  const fleetPages = pages(data.fleet?.rows ?? []);
  const auditPages = pages(data.audit.events);
  const head: RunExportData = { ...data, fleet: data.fleet ? { ...data.fleet, rows: [] } : null, audit: { ...data.audit, events: [] } };
  const parts = [own(v8.serialize(head))];
  for (const page of [...fleetPages, ...auditPages]) {
    await yieldToEventLoop();
    parts.push(own(v8.serialize(page)));
  }
  return { packed: { generatedBy: task.generatedBy, parts, fleetPages: fleetPages.length }, transferList: parts.map((part) => part.buffer as ArrayBuffer) };
}

/** In the worker: the record as it was loaded (Dates, Buffers and shared objects as they were). */
export function unpackPdfTask(packed: PackedPdfTask): PdfRenderTask {
  const [head, ...rest] = packed.parts.map((part) => v8.deserialize(part));
  const data = head as RunExportData;
  const fleetRows = rest.slice(0, packed.fleetPages).flat();
  const events = rest.slice(packed.fleetPages).flat();
  return { generatedBy: packed.generatedBy, data: { ...data, fleet: data.fleet ? { ...data.fleet, rows: fleetRows } : null, audit: { ...data.audit, events } } };
}
