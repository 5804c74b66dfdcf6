import "server-only";
import { prisma } from "../platform/db/client";
import { verifyAuditChain } from "./service";
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
  const verdict = await verifyAuditChain();
  return {
    project: { id: project.id, name: project.name, timezone: project.timezone },
    runs: project.runs,
    runId: runFilter,
    chain: verdict,
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
