import "server-only";
import { prisma } from "../platform/db/client";
import { verifyAuditTrailNow } from "./service";
import { readSigningKey } from "./checkpoint";
import { NotFoundError } from "../platform/errors";

/** What the audit page shows: a project's events (optionally one run's), newest first, and the chain's verdict. */
export async function getProjectAuditView(options: { projectId: string; runId: string | null; limit?: number }) {
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true, name: true, timezone: true, runs: { select: { id: true, name: true }, orderBy: { startedAt: "desc" } } } });
  if (!project) throw new NotFoundError("Project");
  const runFilter = options.runId && project.runs.some((r) => r.id === options.runId) ? options.runId : null;
  const events = await prisma.auditEvent.findMany({
    where: runFilter ? { projectId: project.id, runId: runFilter } : { projectId: project.id },
    orderBy: { seq: "desc" },
    take: options.limit ?? 1000,
  });
  const verdict = await verifyAuditTrailNow();
  // The chain and its signatures are the installation's; step and run state belongs to a project.
  // This page judges the chain and this project's runs, and counts what other projects have.
  const mine = verdict.findings.filter((f) => (f.kind !== "step-state" && f.kind !== "run-state") || f.projectId === project.id);
  const elsewhere = verdict.findings.length - mine.length;
  const key = readSigningKey();
  return {
    project: { id: project.id, name: project.name, timezone: project.timezone },
    runs: project.runs,
    runId: runFilter,
    trail: {
      ok: mine.length === 0,
      events: verdict.events,
      findings: mine.map((f) => ({ kind: f.kind, message: f.message, runId: f.runId ?? null })),
      otherProjectsFindings: elsewhere,
      anchor: verdict.anchor,
      publicKeyPem: key?.publicKeyPem ?? null,
      stepsChecked: verdict.stepsChecked,
    },
    events: events.map((e) => ({
      seq: e.seq,
      at: e.at.toISOString(),
      actorName: e.actorName,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      runId: e.runId,
      before: e.before,
      after: e.after,
      hash: e.hash,
    })),
  };
}
export type AuditView = Awaited<ReturnType<typeof getProjectAuditView>>;

/** The installation's own events (no project): sign-ins, failures, sessions, passwords, users, the demo's removal. Newest first. */
export async function listInstallationEvents(options: { limit: number }) {
  const events = await prisma.auditEvent.findMany({
    where: { projectId: { equals: null } },
    orderBy: { seq: "desc" },
    take: options.limit,
    select: { seq: true, at: true, actorName: true, actorId: true, action: true, after: true, before: true },
  });
  return events.map((e) => ({ seq: e.seq, at: e.at.toISOString(), actorName: e.actorId ? e.actorName : null, action: e.action, details: describeAccountEvent(e.before, e.after) }));
}

/** The facts worth a column: who was typed, from where, why refused, which role. */
function describeAccountEvent(beforeJson: string, afterJson: string): { email: string | null; address: string | null; detail: string | null } {
  const parse = (json: string) => {
    try {
      const value = JSON.parse(json) as unknown;
      return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const before = parse(beforeJson);
  const after = parse(afterJson);
  const str = (value: unknown) => (typeof value === "string" ? value : null);
  const reason = str(after.reason);
  const role = str(after.role) ?? (str(before.role) ? `was ${str(before.role)}` : null);
  const wait = typeof after.waitSeconds === "number" ? `waits ${after.waitSeconds} s` : null;
  const method = str(after.method);
  return {
    email: str(after.email) ?? str(after.name) ?? str(before.name),
    address: str(after.address) ?? str(before.address),
    detail: [reason?.replace(/_/g, " "), role, wait, method === "sso" ? "single sign-on" : null].filter(Boolean).join(" · ") || null,
  };
}

export type InstallationEvent = Awaited<ReturnType<typeof listInstallationEvents>>[number];
