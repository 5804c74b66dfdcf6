import "server-only";
import { prisma } from "../platform/db/client";

/** Every team for the pickers, in the order sets are written (by key). */
export async function listTeamOptions() {
  const teams = await prisma.team.findMany({ select: { id: true, name: true }, orderBy: { key: "asc" } });
  return teams;
}

/** The teams page: each team with how many plan steps and projects use it. */
export async function listTeams() {
  const teams = await prisma.team.findMany({
    orderBy: { key: "asc" },
    select: { id: true, name: true, description: true, createdAt: true, steps: { select: { step: { select: { projectId: true } } } } },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    createdAt: t.createdAt.toISOString(),
    stepCount: t.steps.length,
    projectCount: new Set(t.steps.map((s) => s.step.projectId)).size,
  }));
}
