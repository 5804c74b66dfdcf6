import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageStakeholderUpdates } from "@/lib/platform/auth/permissions";
import { requestOrigin } from "@/lib/platform/http/client-address";
import { id } from "@/lib/platform/validation";
import { stakeholderSendInput, stakeholderSendResponse } from "@/lib/stakeholders/schemas";
import { sendStakeholderUpdate } from "@/lib/stakeholders/service";

/** Sends an update now: the edited subject and text as given, or the saved templates rendered now. */
export const POST = route(
  {
    allow: canManageStakeholderUpdates,
    forbidden: "Only admins can manage stakeholder updates.",
    params: z.object({ runId: id }).strict(),
    body: stakeholderSendInput,
    response: stakeholderSendResponse,
    summary: "Send a stakeholder update now (by the saved channels; audited as run.stakeholder_update)",
  },
  async ({ user, params, body, request }) => {
    const message = await sendStakeholderUpdate({ actor: user, runId: params.runId, edited: body, linkBase: requestOrigin(request.headers, request.url) ?? new URL(request.url).origin });
    return { message: message! };
  },
);
