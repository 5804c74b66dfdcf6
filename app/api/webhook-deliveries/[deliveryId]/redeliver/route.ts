import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { deliveryParams, webhookResponses } from "@/lib/webhooks/schemas";
import { redeliverWebhookDelivery } from "@/lib/webhooks/service";

export const POST = route(
  { allow: canManageWebhooks, forbidden: "Only admins can manage webhooks.", params: deliveryParams, response: webhookResponses.delivery, summary: "Sends a delivery again now, with the same webhook-id." },
  async ({ user, params }) => redeliverWebhookDelivery({ actor: user, deliveryId: params.deliveryId }),
);
