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
  const verdict = verifyAuditTrailNow();
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
