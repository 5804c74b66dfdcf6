import "server-only";
import { prisma } from "../platform/db/client";
import { NotFoundError } from "../platform/errors";
import type { WebhookDeliverySummary, WebhookEndpointSummary, WebhookPreset } from "./model";

export const DELIVERY_PAGE_SIZE = 25;

const ENDPOINT_SELECT = {
  id: true,
  projectId: true,
  name: true,
  url: true,
  preset: true,
  events: true,
  enabled: true,
  disabledAt: true,
  disabledReason: true,
  allowPrivateNetwork: true,
  consecutiveFailures: true,
  createdAt: true,
} as const;

type EndpointRow = {
  id: string;
  projectId: string;
  name: string;
  url: string;
  preset: string;
  events: string;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string;
  allowPrivateNetwork: boolean;
  consecutiveFailures: number;
  createdAt: Date;
};

async function summariesOf(rows: EndpointRow[]): Promise<WebhookEndpointSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [pending, latest] = await Promise.all([
    prisma.webhookDelivery.groupBy({ by: ["endpointId"], where: { endpointId: { in: ids }, status: "PENDING" }, _count: { _all: true } }),
    Promise.all(
      ids.map((endpointId) =>
        prisma.webhookDelivery.findFirst({
          where: { endpointId, attempts: { gt: 0 } },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          select: { status: true, lastStatus: true, deliveredAt: true, createdAt: true },
        }),
      ),
    ),
  ]);
  const pendingBy = new Map(pending.map((p) => [p.endpointId, p._count._all]));
  return rows.map((row, i) => {
    const last = latest[i];
    return {
      id: row.id,
      projectId: row.projectId,
      name: row.name,
      url: row.url,
      preset: row.preset as WebhookPreset,
      events: JSON.parse(row.events) as string[],
      enabled: row.enabled,
      disabledAt: row.disabledAt?.toISOString() ?? null,
      disabledReason: row.disabledReason,
      allowPrivateNetwork: row.allowPrivateNetwork,
      consecutiveFailures: row.consecutiveFailures,
      createdAt: row.createdAt.toISOString(),
      lastDelivery: last ? { status: last.status, lastStatus: last.lastStatus, at: (last.deliveredAt ?? last.createdAt).toISOString() } : null,
      pending: pendingBy.get(row.id) ?? 0,
    };
  });
}

/** A project's webhook endpoints, newest first (never their secrets). */
export async function listProjectWebhooks(options: { projectId: string }): Promise<WebhookEndpointSummary[]> {
  if (!(await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true } }))) throw new NotFoundError("Project");
  const rows = await prisma.webhookEndpoint.findMany({ where: { projectId: options.projectId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: ENDPOINT_SELECT });
  return summariesOf(rows);
}

export async function getWebhookEndpoint(options: { endpointId: string }): Promise<WebhookEndpointSummary> {
  const row = await prisma.webhookEndpoint.findUnique({ where: { id: options.endpointId }, select: ENDPOINT_SELECT });
  if (!row) throw new NotFoundError("Webhook");
  return (await summariesOf([row]))[0];
}

export function deliverySummaryOf(row: {
  id: string;
  eventType: string;
  auditSeq: number | null;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}): WebhookDeliverySummary {
  return {
    id: row.id,
    eventType: row.eventType,
    auditSeq: row.auditSeq,
    status: row.status as WebhookDeliverySummary["status"],
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    nextAttemptAt: row.status === "PENDING" ? (row.nextAttemptAt?.toISOString() ?? null) : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export const DELIVERY_SELECT = {
  id: true,
  eventType: true,
  auditSeq: true,
  status: true,
  attempts: true,
  lastStatus: true,
  lastError: true,
  nextAttemptAt: true,
  deliveredAt: true,
  createdAt: true,
} as const;

/** The delivery log of one endpoint, newest first, a page at a time. */
export async function listWebhookDeliveries(options: { endpointId: string; page: number; status?: "PENDING" | "DELIVERED" | "FAILED" }) {
  const exists = await prisma.webhookEndpoint.findUnique({ where: { id: options.endpointId }, select: { id: true } });
  if (!exists) throw new NotFoundError("Webhook");
  const where = { endpointId: options.endpointId, ...(options.status ? { status: options.status } : {}) };
  const [rows, total] = await Promise.all([
    prisma.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { auditSeq: "desc" }],
      skip: (options.page - 1) * DELIVERY_PAGE_SIZE,
      take: DELIVERY_PAGE_SIZE,
      select: DELIVERY_SELECT,
    }),
    prisma.webhookDelivery.count({ where }),
  ]);
  return { deliveries: rows.map(deliverySummaryOf), page: options.page, pageSize: DELIVERY_PAGE_SIZE, total };
}

/** The project an endpoint belongs to (for pages and permission checks), or null. */
export async function webhookProjectId(options: { endpointId: string }): Promise<string | null> {
  return (await prisma.webhookEndpoint.findUnique({ where: { id: options.endpointId }, select: { projectId: true } }))?.projectId ?? null;
}
