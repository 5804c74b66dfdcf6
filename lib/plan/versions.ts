import "server-only";
import { createHash } from "node:crypto";
import type { ActingUser } from "../platform/auth/permissions";
import { prisma, type Tx } from "../platform/db/client";
import { NotFoundError } from "../platform/errors";
import { stepFactsOf } from "./model";
import { canonicalPlanJson, diffPlans, summarizeDiff, type PlanSnapshot } from "./snapshot";

/** SHA-256 of the snapshot's canonical JSON, hex: printed on exports so a record names exactly the plan it ran. */
export function hashPlanSnapshot(snapshot: PlanSnapshot): string {
  return createHash("sha256").update(canonicalPlanJson(snapshot)).digest("hex");
}

/** The project's plan as it is now (phases and steps in order, predecessors, assignees' current names). */
export async function loadPlanSnapshot(db: Pick<Tx, "phase">, projectId: string): Promise<PlanSnapshot> {
  const phases = await db.phase.findMany({
    where: { projectId },
    orderBy: { position: "asc" },
    include: {
      steps: {
        orderBy: { position: "asc" },
        include: { predecessors: { select: { predecessorId: true, lagMinutes: true } }, assignee: { select: { name: true } } },
      },
    },
  });
  return {
    phases: phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      description: phase.description,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        id: step.id,
        ...stepFactsOf(step),
        assigneeName: step.assignee?.name ?? null,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
        predecessorLags: Object.fromEntries(step.predecessors.filter((p) => p.lagMinutes > 0).map((p) => [p.predecessorId, p.lagMinutes])),
      })),
    })),
  };
}

export interface RecordedPlanVersion {
  version: number;
  hash: string;
  snapshot: PlanSnapshot;
}

/**
 * Records the plan as it is now as the next version, if it differs from the latest one. Call it at
 * the end of every transaction that changes the plan, so the version, its snapshot and the change
 * commit together. A change that nets out to nothing (a move up and back down) adds no version.
 */
export async function recordPlanVersion(tx: Tx, options: { projectId: string; actor: ActingUser | null; summary?: string }): Promise<RecordedPlanVersion> {
  const snapshot = await loadPlanSnapshot(tx, options.projectId);
  const hash = hashPlanSnapshot(snapshot);
  const latest = await tx.planVersion.findFirst({ where: { projectId: options.projectId }, orderBy: { version: "desc" }, select: { version: true, hash: true, snapshot: true } });
  if (latest && latest.hash === hash) return { version: latest.version, hash, snapshot };
  const summary = options.summary ?? (latest ? summarizeDiff(diffPlans(JSON.parse(latest.snapshot) as PlanSnapshot, snapshot)) : "First version");
  const version = (latest?.version ?? 0) + 1;
  await tx.planVersion.create({
    data: {
      projectId: options.projectId,
      version,
      actorId: options.actor?.id ?? null,
      actorName: options.actor?.name ?? "system",
      summary,
      snapshot: JSON.stringify(snapshot),
      hash,
    },
  });
  return { version, hash, snapshot };
}

/** Every version of a project's plan, newest first, without the snapshots. */
export async function listPlanVersions(options: { projectId: string }) {
  const versions = await prisma.planVersion.findMany({
    where: { projectId: options.projectId },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, actorName: true, summary: true, hash: true },
  });
  return versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }));
}

export async function getPlanVersionSnapshot(options: { projectId: string; version: number }): Promise<PlanSnapshot> {
  const row = await prisma.planVersion.findUnique({ where: { projectId_version: { projectId: options.projectId, version: options.version } }, select: { snapshot: true } });
  if (!row) throw new NotFoundError(`Plan version ${options.version}`);
  return JSON.parse(row.snapshot) as PlanSnapshot;
}
