import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { getWebhookEndpoint } from "@/lib/webhooks/queries";
import { updateWebhookInput, webhookParams, webhookResponses } from "@/lib/webhooks/schemas";
import { deleteWebhookEndpoint, updateWebhookEndpoint } from "@/lib/webhooks/service";

const FORBIDDEN = "Only admins can manage webhooks.";

export const GET = route({ allow: canManageWebhooks, forbidden: FORBIDDEN, params: webhookParams, response: webhookResponses.endpoint, summary: "One webhook endpoint (never its secret)." }, async ({ params }) => ({
  endpoint: await getWebhookEndpoint({ endpointId: params.endpointId }),
}));

export const PATCH = route(
  {
    allow: canManageWebhooks,
    forbidden: FORBIDDEN,
    params: webhookParams,
    body: updateWebhookInput,
    response: webhookResponses.updated,
    summary: "Edits, enables, disables a webhook endpoint or rotates its secret (the new one is in the answer).",
  },
  async ({ user, params, body }) => updateWebhookEndpoint({ actor: user, endpointId: params.endpointId, input: body }),
);

export const DELETE = route({ allow: canManageWebhooks, forbidden: FORBIDDEN, params: webhookParams, response: webhookResponses.ok, summary: "Removes a webhook endpoint and its delivery log." }, async ({ user, params }) =>
  deleteWebhookEndpoint({ actor: user, endpointId: params.endpointId }),
);
