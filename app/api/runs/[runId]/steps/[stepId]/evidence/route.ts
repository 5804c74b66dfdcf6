import { z } from "zod";
import { canOperateSteps } from "@/lib/platform/auth/permissions";
import { ValidationError } from "@/lib/platform/errors";
import { readFormData, route } from "@/lib/platform/http/route";
import { id } from "@/lib/platform/validation";
import { attachEvidence, maxEvidenceBytes } from "@/lib/runs/evidence";
import { evidenceResult } from "@/lib/runs/schemas";

export const runtime = "nodejs";

/** The largest file plus room for the multipart envelope and the other fields. */
const maxBodyBytes = () => maxEvidenceBytes() + 64 * 1024;

/** Attach one file (multipart field "file"; optional "client" host name or "clientId" for one fleet client) to a step of an active run. */
export const POST = route({ response: evidenceResult, allow: canOperateSteps, forbidden: "Your role can't attach evidence.", params: z.object({ runId: id, stepId: id }).strict(),
    maxBodyBytes,
    summary: "Attach a file as evidence to a step (or one fleet client of it) in an active run",
    bodyDescription: 'multipart/form-data: "file" (the file), optionally "client" (a fleet client\'s host name) or "clientId".',
  },
  async ({ user, params, request }) => {
  const form = await readFormData(request, maxBodyBytes());
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
