import "server-only";
import crypto from "node:crypto";
import { prisma } from "../platform/db/client";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from "../platform/errors";
import { canDecideGate } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { projectRoleOf } from "../projects/access";
import { decideGate } from "../runs/service";
import { APPROVAL_LINK_PROBLEMS, approvalLinkProblem, type ApprovalLinkProblem } from "./model";
import { claimApprovalLinkSql } from "./store.sqlite";
import { isPostgres } from "../platform/db/dialect";
import { takeFromSharedLimit } from "../platform/db/shared-rate-limit";
import { claimApprovalLink } from "./store.postgres";

/*
 * One-time gate approval links from the "gate waiting" email. The token (32 random bytes) is the
 * credential: only its SHA-256 is stored, bound to one approver and one gate's step run, expiring
 * and single use. Opening the link (GET) only shows a confirmation page, since mail scanners
 * prefetch links; the POST decides through the same decideGate the app uses, as the approver,
 * and the link is spent inside that decision's transaction.
 */

export const approvalLinkHash = (token: string) => crypto.createHash("sha256").update(token, "utf8").digest("hex");

export class ApprovalLinkError extends ValidationError {
  constructor(readonly problem: ApprovalLinkProblem) {
    super(APPROVAL_LINK_PROBLEMS[problem], { token: [APPROVAL_LINK_PROBLEMS[problem]] });
  }
}

async function loadLink(token: string) {
  const link = await prisma.gateApprovalLink.findUnique({ where: { tokenHash: approvalLinkHash(token) }, include: { approver: { select: { id: true, name: true, email: true, role: true, deactivatedAt: true } } } });
  if (!link) return null;
  const stepRun = await prisma.stepRun.findUnique({
    where: { id: link.stepRunId },
    select: { id: true, stepId: true, title: true, kind: true, status: true, assigneeId: true, gateApprovers: true, decidedByName: true, run: { select: { id: true, name: true, status: true, projectId: true, project: { select: { name: true } } } } },
  });
  return { link, stepRun };
}

/** Whether the approver may decide this gate now, with their role in the project as it is today. */
async function approverMayDecide(approver: { id: string; role: string; deactivatedAt: Date | null }, stepRun: { kind: string; assigneeId: string | null; gateApprovers: string; run: { projectId: string } }): Promise<boolean> {
  if (approver.deactivatedAt) return false;
  const role = await projectRoleOf({ user: { id: approver.id, role: approver.role as RoleName }, projectId: stepRun.run.projectId });
  if (role === null) return false;
  return canDecideGate({ id: approver.id, role }, { kind: stepRun.kind, assigneeId: stepRun.assigneeId, gateApprovers: JSON.parse(stepRun.gateApprovers) });
}

export type ApprovalLinkView =
  | { ok: true; approverName: string; approverEmail: string; projectName: string; runName: string; gateTitle: string; expiresAt: string; runHref: string }
  | { ok: false; problem: ApprovalLinkProblem; message: string };

/** What the confirmation page shows. Reads only: never decides, never spends the link. */
export async function describeApprovalLink(options: { token: string; now?: Date }): Promise<ApprovalLinkView> {
  const now = options.now ?? new Date();
  const refuse = (problem: ApprovalLinkProblem): ApprovalLinkView => ({ ok: false, problem, message: APPROVAL_LINK_PROBLEMS[problem] });
  const found = await loadLink(options.token);
  const problem = approvalLinkProblem(found?.link ?? null, now);
  if (problem || !found) return refuse(problem ?? "unknown");
  const { link, stepRun } = found;
  if (!stepRun) return refuse("unknown");
  if (stepRun.run.status !== "ACTIVE") return refuse("run-ended");
  if (stepRun.status === "DONE" || stepRun.status === "SKIPPED") return refuse("decided");
  if (!(await approverMayDecide(link.approver, stepRun))) return refuse("not-allowed");
  return {
    ok: true,
    approverName: link.approver.name,
    approverEmail: link.approver.email,
    projectName: stepRun.run.project.name,
    runName: stepRun.run.name,
    gateTitle: stepRun.title,
    expiresAt: link.expiresAt.toISOString(),
    runHref: `/projects/${stepRun.run.projectId}/runs/${stepRun.run.id}`,
  };
}

/**
 * Decides the gate from the link: the same decideGate as in the app, with the approver as the
 * actor and "email link" in the audit event. Refused (nothing changed) when the link is unknown,
 * used, expired, for a decided gate or an ended run, or the approver may no longer decide it.
 */
export async function decideByApprovalLink(options: { token: string; input: { decision: "GO" | "NO_GO"; note: string }; now?: Date }) {
  const now = options.now ?? new Date();
  const found = await loadLink(options.token);
  const problem = approvalLinkProblem(found?.link ?? null, now);
  if (problem || !found) throw new ApprovalLinkError(problem ?? "unknown");
  const { link, stepRun } = found;
  if (!stepRun) throw new ApprovalLinkError("unknown");
  if (stepRun.run.status !== "ACTIVE") throw new ApprovalLinkError("run-ended");
  if (stepRun.status === "DONE" || stepRun.status === "SKIPPED") throw new ApprovalLinkError("decided");
  if (!(await approverMayDecide(link.approver, stepRun))) throw new ApprovalLinkError("not-allowed");
  const actor = { id: link.approver.id, name: link.approver.name, role: link.approver.role as RoleName };
  try {
    return await decideGate({
      actor,
      runId: stepRun.run.id,
      stepId: stepRun.stepId,
      input: { decision: options.input.decision, note: options.input.note },
      via: "email link",
      claim: (tx, decided) => {
        if (decided.id !== link.stepRunId) throw new ApprovalLinkError("used");
        const claim = { linkId: link.id, stepRunId: decided.id, approverId: actor.id, now };
        // SQLite answers at once, inside the decision's synchronous transaction; PostgreSQL with a promise.
        if ("db" in tx) {
          if (!claimApprovalLinkSql(tx, claim)) throw new ApprovalLinkError("used");
          return;
        }
        return claimApprovalLink(tx, claim).then((claimed) => {
          if (!claimed) throw new ApprovalLinkError("used");
        });
      },
    });
  } catch (error) {
    // decideGate's own refusals, in the link's words.
    if (error instanceof ApprovalLinkError) throw error;
    if (error instanceof NotFoundError || error instanceof ForbiddenError) throw new ApprovalLinkError("not-allowed");
    if (error instanceof ConflictError && /already decided/.test(error.message)) throw new ApprovalLinkError("decided");
    throw error;
  }
}

/*
 * The decision endpoint is public (the token is the credential), so guessing is slowed down per
 * client address: a few decisions a minute is plenty for a person on a bridge call. In memory with
 * one process (SQLite): a restart forgets, and guessing a 256-bit token is hopeless anyway; this
 * only keeps a script from hammering the database. Several instances on PostgreSQL count together
 * in the database (lib/platform/db/shared-rate-limit.ts).
 */
const WINDOW_MS = 60_000;
const MAX_PER_WINDOW = 10;
const globalForLimit = globalThis as unknown as { runsheetApprovalAttempts?: Map<string, number[]> };
const attempts: Map<string, number[]> = (globalForLimit.runsheetApprovalAttempts ??= new Map<string, number[]>());

export async function checkApprovalRateLimit(options: { address: string; now?: number }): Promise<void> {
  const now = options.now ?? Date.now();
  if (isPostgres()) {
    const wait = await takeFromSharedLimit({ key: `approval:${options.address}`, limit: MAX_PER_WINDOW, windowMs: WINDOW_MS, now });
    if (wait > 0) throw new RateLimitedError("Too many approval attempts from this address. Wait a minute and try again.", wait);
    return;
  }
  const recent = (attempts.get(options.address) ?? []).filter((t) => now - t < WINDOW_MS);
  if (recent.length >= MAX_PER_WINDOW) {
    attempts.set(options.address, recent);
    throw new RateLimitedError("Too many approval attempts from this address. Wait a minute and try again.", Math.ceil((recent[0] + WINDOW_MS - now) / 1000));
  }
  recent.push(now);
  attempts.set(options.address, recent);
  // Forget quiet addresses so the map stays small.
  if (attempts.size > 10_000) for (const [key, times] of attempts) if (times.every((t) => now - t >= WINDOW_MS)) attempts.delete(key);
}
