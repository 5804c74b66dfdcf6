import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { webhookParams, webhookResponses } from "@/lib/webhooks/schemas";
import { updateWebhookEndpoint } from "@/lib/webhooks/service";

export const POST = route(
  {
    allow: canManageWebhooks,
    forbidden: "Only admins can manage webhooks.",
    params: webhookParams,
    response: webhookResponses.updated,
    summary: "Enables a disabled endpoint: sending resumes from where it stopped, events since included.",
  },
  async ({ user, params }) => updateWebhookEndpoint({ actor: user, endpointId: params.endpointId, input: { enabled: true } }),
);
