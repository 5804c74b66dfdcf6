import "server-only";
import { prisma } from "../platform/db/client";
import type { Actor } from "../platform/auth/permissions";
import { visibleProjectsWhere } from "../projects/access";
import type { TokenScopeName, TokenSummary } from "./model";

export const TOKEN_ROW_SELECT = {
  id: true,
  userId: true,
  kind: true,
  name: true,
  scope: true,
  projectIds: true,
  prefix: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedAddress: true,
  revokedAt: true,
  revokedByName: true,
  createdAt: true,
  user: { select: { id: true, name: true } },
  createdBy: { select: { name: true } },
} as const;

type TokenRow = {
  id: string;
  kind: string;
  name: string;
  scope: string;
  projectIds: string;
  prefix: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedAddress: string | null;
  revokedAt: Date | null;
  revokedByName: string | null;
  createdAt: Date;
  user: { id: string; name: string };
  createdBy: { name: string } | null;
};

export function tokenSummaryOf(row: TokenRow, projectNames: Map<string, string>, now: Date = new Date()): TokenSummary {
  const ids = JSON.parse(row.projectIds) as string[];
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === "SERVICE" ? "SERVICE" : "PERSONAL",
    scope: row.scope as TokenScopeName,
    // A project removed since keeps its id in the limit (the token still can't reach anything else).
    projects: ids.length === 0 ? null : ids.map((id) => ({ id, name: projectNames.get(id) ?? "(removed project)" })),
    prefix: row.prefix,
    owner: row.user,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy?.name ?? null,
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    lastUsedAddress: row.lastUsedAddress,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedByName,
    state: row.revokedAt ? "revoked" : row.expiresAt.getTime() <= now.getTime() ? "expired" : "active",
  };
}

async function summaries(rows: TokenRow[]): Promise<TokenSummary[]> {
  const ids = [...new Set(rows.flatMap((r) => JSON.parse(r.projectIds) as string[]))];
  const projects = ids.length ? await prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const now = new Date();
  return rows.map((row) => tokenSummaryOf(row, names, now));
}

/** Your own personal tokens (service tokens you made are listed with every admin's, on /admin/tokens), newest first. */
export async function listOwnTokens(options: { userId: string }): Promise<TokenSummary[]> {
  return summaries(await prisma.apiToken.findMany({ where: { userId: options.userId, kind: "PERSONAL" }, select: TOKEN_ROW_SELECT, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }));
}

/** Every token of the installation, for admins, newest first. */
export async function listAllTokens(): Promise<TokenSummary[]> {
  return summaries(await prisma.apiToken.findMany({ select: TOKEN_ROW_SELECT, orderBy: [{ createdAt: "desc" }, { id: "asc" }] }));
}

/** The projects a token of this user may be limited to: the ones they can see, by name. */
export async function listTokenProjectChoices(options: { user: Actor }): Promise<{ id: string; name: string }[]> {
  return prisma.project.findMany({ where: await visibleProjectsWhere(options.user), select: { id: true, name: true }, orderBy: { name: "asc" } });
}
