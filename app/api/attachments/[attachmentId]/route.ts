import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { readAttachment } from "@/lib/runs/evidence";

export const runtime = "nodejs";

/** An attachment's file. Served with its recorded type and nosniff; only images are shown inline. */
export const GET = route({ summary: "Download an evidence file", responseContentType: "*/*", responseDescription: "The file, with the content type recorded when it was attached (images inline, anything else as a download).", allow: canViewProjects, params: z.object({ attachmentId: id }).strict() }, async ({ user, params }) => {
  const { attachment, bytes } = await readAttachment({ actor: user, attachmentId: params.attachmentId });
  const inline = attachment.contentType.startsWith("image/");
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": attachment.contentType,
      "content-length": String(bytes.byteLength),
      "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=31536000, immutable",
      etag: `"${attachment.sha256}"`,
    },
  });
});
