import "server-only";
import { appendAuditEvent } from "../audit/service";
import { generateTokenSecret } from "../platform/auth/api-tokens";
import { canManageAllTokens, canManageOwnAccount, type ActingUser } from "../platform/auth/permissions";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { projectRoleOf } from "../projects/access";
import type { CreateTokenInput } from "./schemas";
import { tokenSummaryOf, TOKEN_ROW_SELECT } from "./queries";
import type { TokenSummary } from "./model";

const DAY_MS = 24 * 3_600_000;

/**
 * Makes a token and returns its secret: the only time it exists outside the caller's hands (only
 * its SHA-256 is stored). An operator can't make an admin token, and a token can't be limited to a
 * project its owner can't see. Audited as token.create (never with the secret).
 */
export async function createApiToken(options: { actor: ActingUser & { token?: unknown }; input: CreateTokenInput; now?: Date }): Promise<{ token: TokenSummary; secret: string }> {
  const { actor, input } = options;
  if (!canManageOwnAccount(actor)) throw new ForbiddenError("Tokens are made by a signed-in person, not with another token.");
  if (input.kind === "SERVICE" && !canManageAllTokens(actor)) throw new ForbiddenError("Only admins make service tokens.");
  if (input.scope === "ADMIN" && actor.role !== "ADMIN") throw new ValidationError("Only admins can make admin tokens.", { scope: ["Choose Read or Operate."] });
  const projectIds = [...new Set(input.projectIds)];
  const now = options.now ?? new Date();
  const { secret, prefix, secretHash } = generateTokenSecret();
  const token = await runTransaction(async (tx) => {
    const projects = await tx.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } });
    const roles = await Promise.all(projects.map((p) => projectRoleOf({ user: actor, projectId: p.id })));
    const visible = projects.filter((_, i) => roles[i] !== null);
    if (visible.length !== projectIds.length) throw new ValidationError("A token can only be limited to projects you can see.", { projectIds: ["Unknown project."] });
    const row = await tx.apiToken.create({
      data: {
        userId: actor.id,
        kind: input.kind,
        name: input.name,
        scope: input.scope,
        projectIds: JSON.stringify(projectIds),
        prefix,
        secretHash,
        expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS),
        createdById: actor.id,
      },
      select: TOKEN_ROW_SELECT,
    });
    const summary = tokenSummaryOf(row, new Map(projects.map((p) => [p.id, p.name])), now);
    await appendAuditEvent(tx, {
      actor,
      projectId: null,
      action: "token.create",
      entityType: "api_token",
      entityId: row.id,
      before: null,
      after: { name: summary.name, kind: summary.kind, scope: summary.scope, projects: summary.projects?.map((p) => p.name) ?? "all", prefix, expiresAt: summary.expiresAt },
    });
    return summary;
  });
  return { token, secret };
}

/** Revokes a token: its owner, or an admin for anyone's. Revoking a revoked token changes nothing. */
export async function revokeApiToken(options: { actor: ActingUser & { token?: unknown }; tokenId: string; now?: Date }): Promise<TokenSummary> {
  const { actor } = options;
  const now = options.now ?? new Date();
  return runTransaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id: options.tokenId }, select: TOKEN_ROW_SELECT });
    // Someone else's token answers like a missing one unless an admin asks.
    if (!row || (row.userId !== actor.id && !canManageAllTokens(actor))) throw new NotFoundError("Token");
    if (!canManageOwnAccount(actor)) throw new ForbiddenError("Tokens are revoked by a signed-in person, not with a token.");
    const names = await projectNames(tx, row.projectIds);
    if (row.revokedAt) return tokenSummaryOf(row, names, now);
    const updated = await tx.apiToken.update({ where: { id: row.id }, data: { revokedAt: now, revokedByName: actor.name }, select: TOKEN_ROW_SELECT });
    await appendAuditEvent(tx, {
      actor,
      projectId: null,
      action: "token.revoke",
      entityType: "api_token",
      entityId: row.id,
      before: { name: row.name, kind: row.kind, scope: row.scope, owner: row.user.name, prefix: row.prefix },
      after: { revokedAt: now.toISOString() },
    });
    return tokenSummaryOf(updated, names, now);
  });
}

async function projectNames(tx: { project: { findMany: (args: { where: { id: { in: string[] } }; select: { id: true; name: true } }) => Promise<{ id: string; name: string }[]> } }, projectIds: string) {
  const ids = JSON.parse(projectIds) as string[];
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(rows.map((p) => [p.id, p.name]));
}
