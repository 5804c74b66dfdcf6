import { attachmentHeader } from "./text";

/**
 * A download: the right type, a `runsheet-<project>-<run>.<ext>` file name, and no caching —
 * a record of a live run changes by the minute and is private to signed-in users.
 */
export function exportResponse(body: string | Uint8Array, options: { contentType: string; filename: string }): Response {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return new Response(bytes as BodyInit, {
    status: 200,
    headers: {
      "content-type": options.contentType,
      "content-disposition": attachmentHeader(options.filename),
      "content-length": String(bytes.byteLength),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
