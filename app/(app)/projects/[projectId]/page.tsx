import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProjectOverview } from "@/components/projects/project-overview";
import { NotFoundError } from "@/lib/platform/errors";
import { canEditPlan, canStartRun } from "@/lib/platform/auth/permissions";
import { getPlanView } from "@/lib/plan/queries";
import { checkProjectPlan } from "@/lib/plan/check-view";
import { requireUser } from "@/lib/platform/auth/session";
import { listAssignableUsersForProject } from "@/lib/projects/assignees";
import { projectUserOrNull } from "@/lib/projects/access";
import { listTeamOptions } from "@/lib/teams/queries";
import { TeamOptionsProvider } from "@/components/teams/team-picker";

export const metadata: Metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await projectUserOrNull({ user: await requireUser(), projectId }) ?? notFound();
  const view = await getPlanView({ projectId, viewerId: user.id }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const editable = canEditPlan(user);
  const users = editable ? await listAssignableUsersForProject({ projectId }) : [];
  const planCheck = await checkProjectPlan({ projectId });
  const teams = editable ? await listTeamOptions() : [];
  return (
    <TeamOptionsProvider teams={teams}>
      <ProjectOverview view={view} planCheck={planCheck} canEdit={editable} canStartRun={canStartRun(user)} users={users.map((u) => ({ id: u.id, name: u.name }))} />
    </TeamOptionsProvider>
  );
}
