import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { listWebhookDeliveries } from "@/lib/webhooks/queries";
import { deliveriesQuery, webhookParams, webhookResponses } from "@/lib/webhooks/schemas";

export const GET = route(
  {
    allow: canManageWebhooks,
    forbidden: "Only admins can manage webhooks.",
    params: webhookParams,
    query: deliveriesQuery,
    response: webhookResponses.deliveries,
    summary: "The endpoint's delivery log, newest first, 25 a page: event, attempts, last response code, status.",
  },
  async ({ params, query }) => listWebhookDeliveries({ endpointId: params.endpointId, page: query.page, status: query.status }),
);
