import { route } from "@/lib/platform/http/route";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { listProjectWebhooks } from "@/lib/webhooks/queries";
import { createWebhookInput, projectWebhookParams, webhookResponses } from "@/lib/webhooks/schemas";
import { createWebhookEndpoint } from "@/lib/webhooks/service";

const FORBIDDEN = "Only admins can manage webhooks.";

export const GET = route(
  { allow: canManageWebhooks, forbidden: FORBIDDEN, params: projectWebhookParams, response: webhookResponses.list, summary: "A project's webhook endpoints (never their secrets)." },
  async ({ params }) => ({ endpoints: await listProjectWebhooks({ projectId: params.projectId }) }),
);

export const POST = route(
  {
    allow: canManageWebhooks,
    forbidden: FORBIDDEN,
    params: projectWebhookParams,
    body: createWebhookInput,
    response: webhookResponses.created,
    summary: "Registers a webhook endpoint; the answer holds its signing secret, the only time it is shown.",
  },
  async ({ user, params, body }) => createWebhookEndpoint({ actor: user, projectId: params.projectId, input: body }),
);
