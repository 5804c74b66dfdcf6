import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { webhookParams, webhookResponses } from "@/lib/webhooks/schemas";
import { sendTestWebhook } from "@/lib/webhooks/service";

export const POST = route(
  { allow: canManageWebhooks, forbidden: "Only admins can manage webhooks.", params: webhookParams, response: webhookResponses.delivery, summary: "Queues a webhook.test event for the endpoint (sent within a second)." },
  async ({ user, params }) => sendTestWebhook({ actor: user, endpointId: params.endpointId }),
);
