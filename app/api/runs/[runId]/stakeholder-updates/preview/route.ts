import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageStakeholderUpdates } from "@/lib/platform/auth/permissions";
import { requestOrigin } from "@/lib/platform/http/client-address";
import { id } from "@/lib/platform/validation";
import { stakeholderPreviewInput, stakeholderPreviewResponse } from "@/lib/stakeholders/schemas";
import { previewStakeholderUpdate } from "@/lib/stakeholders/service";

/** Renders the update as it would go out now; changes nothing. */
export const POST = route(
  {
    allow: canManageStakeholderUpdates,
    forbidden: "Only admins can manage stakeholder updates.",
    params: z.object({ runId: id }).strict(),
    body: stakeholderPreviewInput,
    response: stakeholderPreviewResponse,
    summary: "Preview a stakeholder update from the run's current state (optionally with edited templates)",
  },
  async ({ user, params, body, request }) =>
    previewStakeholderUpdate({ actor: user, runId: params.runId, input: body, linkBase: requestOrigin(request.headers, request.url) ?? new URL(request.url).origin }),
);
