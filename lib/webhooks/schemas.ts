import { z } from "zod";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES, WEBHOOK_PRESETS } from "./model";
import { checkUrlShape } from "./address-policy";
import { id, requiredText } from "../platform/validation";

const url = z
  .string()
  .trim()
  .min(1, { message: "URL is required.", abort: true })
  .max(2000, "URL must be at most 2000 characters.")
  .superRefine((value, ctx) => {
    const shape = checkUrlShape(value);
    if (!shape.ok) ctx.addIssue({ code: "custom", message: shape.message });
  });

const events = z
  .array(z.enum([ALL_EVENTS, ...WEBHOOK_EVENT_TYPES] as [string, ...string[]], { message: "Unknown event type." }))
  .min(1, "Choose at least one event.")
  .max(50)
  .transform((list) => (list.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(list)]));

export const createWebhookInput = z
  .object({
    name: requiredText("Name", 80),
    url,
    preset: z.enum(WEBHOOK_PRESETS).default("STANDARD"),
    events,
    /** Installation admins only (the service checks): the URL may name a private or loopback address. */
    allowPrivateNetwork: z.boolean().default(false),
  })
  .strict();
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const updateWebhookInput = z
  .object({
    name: requiredText("Name", 80).optional(),
    url: url.optional(),
    preset: z.enum(WEBHOOK_PRESETS).optional(),
    events: events.optional(),
    allowPrivateNetwork: z.boolean().optional(),
    /** false disables by hand; true enables (and clears an automatic disable). */
    enabled: z.boolean().optional(),
    /** true: make a new signing secret (returned once). */
    rotateSecret: z.boolean().optional(),
  })
  .strict();
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const webhookParams = z.object({ endpointId: id }).strict();
export const projectWebhookParams = z.object({ projectId: id }).strict();
export const deliveryParams = z.object({ deliveryId: id }).strict();

export const deliveriesQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    status: z.enum(["PENDING", "DELIVERED", "FAILED"]).optional(),
  })
  .strict();

const endpointSummary = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  url: z.string(),
  preset: z.enum(WEBHOOK_PRESETS),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string(),
  allowPrivateNetwork: z.boolean(),
  consecutiveFailures: z.number(),
  createdAt: z.string(),
  lastDelivery: z.object({ status: z.string(), lastStatus: z.number().nullable(), at: z.string() }).nullable(),
  pending: z.number(),
});
const deliverySummary = z.object({
  id: z.string(),
  eventType: z.string(),
  auditSeq: z.number().nullable(),
  status: z.enum(["PENDING", "DELIVERED", "FAILED"]),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export const webhookResponses = {
  list: z.object({ endpoints: z.array(endpointSummary) }),
  endpoint: z.object({ endpoint: endpointSummary }),
  created: z.object({ endpoint: endpointSummary, secret: z.string().describe("The signing secret (whsec_…), shown only in this answer.") }),
  updated: z.object({ endpoint: endpointSummary, secret: z.string().optional().describe("Only when rotateSecret was asked for.") }),
  deliveries: z.object({ deliveries: z.array(deliverySummary), page: z.number(), pageSize: z.number(), total: z.number() }),
  delivery: z.object({ delivery: deliverySummary }),
  ok: z.object({ ok: z.literal(true) }),
};
