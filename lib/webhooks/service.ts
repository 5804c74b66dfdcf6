import "server-only";
import { randomBytes } from "node:crypto";
import { appendAuditEvent } from "../audit/service";
import { canAllowPrivateWebhooks, canManageWebhooks, type ActingUser } from "../platform/auth/permissions";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { checkWebhookUrl, type Resolver } from "./address-policy";
import { newMessageId, wakeWebhookDispatcher } from "./dispatcher";
import { presetBody, TEST_EVENT_TYPE, urlForRecord, type WebhookDeliverySummary, type WebhookEndpointSummary, type WebhookPreset } from "./model";
import { DELIVERY_SELECT, deliverySummaryOf, getWebhookEndpoint } from "./queries";
import { systemResolver } from "./send";
import type { CreateWebhookInput, UpdateWebhookInput } from "./schemas";

/** A Standard Webhooks secret: "whsec_" and 24 random bytes, base64. */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function assertCanManage(actor: ActingUser): void {
  if (!canManageWebhooks(actor)) throw new ForbiddenError("Only admins can manage webhooks.");
}

async function assertAllowedUrl(options: { url: string; allowPrivateNetwork: boolean; resolve: Resolver }): Promise<void> {
  const verdict = await checkWebhookUrl(options);
  if (!verdict.ok) throw new ValidationError("This URL can't receive webhooks.", { url: [verdict.message] });
}

function recordOf(e: { name: string; url: string; preset: string; events: string | string[]; allowPrivateNetwork: boolean; enabled?: boolean }) {
  return {
    name: e.name,
    url: urlForRecord(e.url),
    preset: e.preset,
    events: typeof e.events === "string" ? (JSON.parse(e.events) as string[]) : e.events,
    allowPrivateNetwork: e.allowPrivateNetwork,
    ...(e.enabled !== undefined ? { enabled: e.enabled } : {}),
  };
}

/**
 * Registers an endpoint on a project. Its cursor starts at the project's newest audit event:
 * it hears of changes from now on, not the project's history. Returns the signing secret, the
 * only time it leaves the server in an answer. Audited as webhook.create (without the secret).
 */
export async function createWebhookEndpoint(options: { actor: ActingUser; projectId: string; input: CreateWebhookInput; resolve?: Resolver }): Promise<{ endpoint: WebhookEndpointSummary; secret: string }> {
  const { actor, input } = options;
  assertCanManage(actor);
  if (input.allowPrivateNetwork && !canAllowPrivateWebhooks(actor)) throw new ValidationError("Only admins can allow private networks.", { allowPrivateNetwork: ["Only admins can allow private networks."] });
  await assertAllowedUrl({ url: input.url, allowPrivateNetwork: input.allowPrivateNetwork, resolve: options.resolve ?? systemResolver });
  const secret = newSecret();
  const id = await runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError("Project");
    const head = await tx.auditEvent.findFirst({ where: { projectId: project.id }, orderBy: { seq: "desc" }, select: { seq: true } });
    const row = await tx.webhookEndpoint.create({
      data: {
        projectId: project.id,
        name: input.name,
        url: input.url,
        preset: input.preset,
        events: JSON.stringify(input.events),
        secret,
        allowPrivateNetwork: input.allowPrivateNetwork,
        cursorSeq: head?.seq ?? 0,
        createdById: actor.id,
      },
      select: { id: true },
    });
    await appendAuditEvent(tx, { actor, projectId: project.id, action: "webhook.create", entityType: "webhook_endpoint", entityId: row.id, before: null, after: recordOf(input) });
    return row.id;
  });
  return { endpoint: await getWebhookEndpoint({ endpointId: id }), secret };
}

/**
 * Edits an endpoint; also enables or disables it and rotates its secret. Enabling clears an
 * automatic disable: sending resumes from its cursor, so events since then are delivered too.
 */
export async function updateWebhookEndpoint(options: { actor: ActingUser; endpointId: string; input: UpdateWebhookInput; resolve?: Resolver; now?: Date }): Promise<{ endpoint: WebhookEndpointSummary; secret?: string }> {
  const { actor, input } = options;
  assertCanManage(actor);
  const current = await loadEndpoint(options.endpointId);
  if (input.allowPrivateNetwork === true && !current.allowPrivateNetwork && !canAllowPrivateWebhooks(actor)) {
    throw new ValidationError("Only admins can allow private networks.", { allowPrivateNetwork: ["Only admins can allow private networks."] });
  }
  const url = input.url ?? current.url;
  const allowPrivateNetwork = input.allowPrivateNetwork ?? current.allowPrivateNetwork;
  if (input.url !== undefined || input.allowPrivateNetwork !== undefined) await assertAllowedUrl({ url, allowPrivateNetwork, resolve: options.resolve ?? systemResolver });
  const secret = input.rotateSecret ? newSecret() : undefined;
  const now = options.now ?? new Date();
  await runTransaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id: options.endpointId } });
    if (!before) throw new NotFoundError("Webhook");
    const enabling = input.enabled === true && !before.enabled;
    const disabling = input.enabled === false && before.enabled;
    const after = await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: {
        name: input.name,
        url: input.url,
        preset: input.preset,
        events: input.events ? JSON.stringify(input.events) : undefined,
        allowPrivateNetwork: input.allowPrivateNetwork,
        ...(secret ? { secret } : {}),
        ...(enabling ? { enabled: true, disabledAt: null, disabledReason: "", consecutiveFailures: 0 } : {}),
        ...(disabling ? { enabled: false, disabledAt: now, disabledReason: "" } : {}),
      },
    });
    const action = enabling ? "webhook.enable" : disabling ? "webhook.disable" : "webhook.update";
    await appendAuditEvent(tx, {
      actor,
      projectId: before.projectId,
      action,
      entityType: "webhook_endpoint",
      entityId: before.id,
      before: recordOf(before),
      after: { ...recordOf(after), ...(secret ? { secretRotated: true } : {}) },
    });
  });
  wakeWebhookDispatcher();
  return { endpoint: await getWebhookEndpoint({ endpointId: options.endpointId }), ...(secret ? { secret } : {}) };
}

/** Removes an endpoint with its delivery log (audited; the audit log keeps what it was). */
export async function deleteWebhookEndpoint(options: { actor: ActingUser; endpointId: string }): Promise<{ ok: true }> {
  assertCanManage(options.actor);
  await runTransaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id: options.endpointId } });
    if (!before) throw new NotFoundError("Webhook");
    await tx.webhookEndpoint.delete({ where: { id: before.id } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: before.projectId, action: "webhook.delete", entityType: "webhook_endpoint", entityId: before.id, before: recordOf(before), after: null });
  });
  return { ok: true };
}

/**
 * Sends a delivery again now, with the same message id (a receiver that already has it drops it).
 * One more attempt: if it fails, the delivery is failed again; it can be redelivered again.
 */
export async function redeliverWebhookDelivery(options: { actor: ActingUser; deliveryId: string; now?: Date }): Promise<{ delivery: WebhookDeliverySummary }> {
  assertCanManage(options.actor);
  const now = options.now ?? new Date();
  const delivery = await runTransaction(async (tx) => {
    const before = await tx.webhookDelivery.findUnique({ where: { id: options.deliveryId }, include: { endpoint: { select: { projectId: true, name: true } } } });
    if (!before) throw new NotFoundError("Delivery");
    const after = await tx.webhookDelivery.update({ where: { id: before.id }, data: { status: "PENDING", nextAttemptAt: now }, select: DELIVERY_SELECT });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: before.endpoint.projectId,
      action: "webhook.redeliver",
      entityType: "webhook_delivery",
      entityId: before.id,
      before: { status: before.status, attempts: before.attempts, eventType: before.eventType },
      after: { status: "PENDING", endpoint: before.endpoint.name },
    });
    return after;
  });
  wakeWebhookDispatcher();
  return { delivery: deliverySummaryOf(delivery) };
}

/** Queues a `webhook.test` event for the endpoint (sent within a second, shown in its log). */
export async function sendTestWebhook(options: { actor: ActingUser; endpointId: string; now?: Date }): Promise<{ delivery: WebhookDeliverySummary }> {
  assertCanManage(options.actor);
  const now = options.now ?? new Date();
  const delivery = await runTransaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: options.endpointId }, include: { project: { select: { id: true, name: true, timezone: true } } } });
    if (!endpoint) throw new NotFoundError("Webhook");
    const event = {
      type: TEST_EVENT_TYPE,
      timestamp: now.toISOString(),
      data: { project: { id: endpoint.project.id, name: endpoint.project.name }, run: null, step: null, forecast: null, actor: options.actor.name, auditSeq: 0, note: "", timezone: endpoint.project.timezone },
    };
    const row = await tx.webhookDelivery.create({
      data: { id: newMessageId(), endpointId: endpoint.id, auditSeq: null, eventType: TEST_EVENT_TYPE, payload: JSON.stringify(presetBody(endpoint.preset as WebhookPreset, event)), status: "PENDING", nextAttemptAt: now },
      select: DELIVERY_SELECT,
    });
    await appendAuditEvent(tx, { actor: options.actor, projectId: endpoint.projectId, action: "webhook.test", entityType: "webhook_endpoint", entityId: endpoint.id, before: null, after: { delivery: row.id, name: endpoint.name } });
    return row;
  });
  wakeWebhookDispatcher();
  return { delivery: deliverySummaryOf(delivery) };
}

async function loadEndpoint(endpointId: string) {
  const row = await prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
  if (!row) throw new NotFoundError("Webhook");
  return row;
}
