import { z } from "zod";
import { ValidationError } from "@/lib/platform/errors";
import { route } from "@/lib/platform/http/route";
import { id } from "@/lib/platform/validation";
import { attachEvidence, maxEvidenceBytes } from "@/lib/runs/evidence";

export const runtime = "nodejs";

/** Attach one file (multipart field "file"; optional "client" host name or "clientId" for one fleet client) to a step of an active run. */
export const POST = route({ params: z.object({ runId: id, stepId: id }).strict() }, async ({ user, params, request }) => {
  // Refused before the body is read when it says it is too large.
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxEvidenceBytes() + 64 * 1024) {
    throw new ValidationError(`The file is larger than ${Math.round(maxEvidenceBytes() / 1024 / 1024)} MB.`, { file: ["Too large."] });
  }
  const form = await request.formData().catch(() => null);
  const file = form?.get("file");
  if (!form || !(file instanceof File)) throw new ValidationError("Choose a file to attach.", { file: ["Choose a file."] });
  const clientId = form.get("clientId");
  const client = form.get("client");
  return attachEvidence({
    actor: user,
    runId: params.runId,
    stepId: params.stepId,
    clientId: typeof clientId === "string" && clientId ? clientId : null,
    clientHostname: typeof client === "string" && client.trim() ? client : null,
    file,
  });
});
