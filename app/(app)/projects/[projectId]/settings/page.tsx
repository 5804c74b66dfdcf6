import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { ProjectForm } from "@/components/projects/project-form";
import { Card, PageHeader } from "@/components/ui/card";
import { NotFoundError } from "@/lib/platform/errors";
import { canEditProject } from "@/lib/platform/auth/permissions";
import { getProject } from "@/lib/projects/service";
import { requireUser } from "@/lib/platform/auth/session";
import { utcToWallClock } from "@/lib/platform/time";
import { ProjectMembers } from "@/components/projects/project-members";
import { listProjectMembers } from "@/lib/projects/members";
import { ProjectNotificationSettings } from "@/components/notifications/project-notification-settings";
import { getProjectLead } from "@/lib/notifications/queries";

export const metadata: Metadata = { title: "Project settings" };

export default async function ProjectSettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await requireUser();
  // Only installation admins edit a project, and they see every project.
  if (!canEditProject(user)) forbidden();
  const project = await getProject({ projectId }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [members, lead] = await Promise.all([listProjectMembers({ projectId: project.id }), getProjectLead({ projectId: project.id })]);
  return (
    <>
      <PageHeader title="Project settings" subtitle={project.name} />
      <Card className="p-5 sm:p-6">
        <ProjectForm
          mode="edit"
          projectId={project.id}
          initial={{
            name: project.name,
            description: project.description,
            sourceHost: project.sourceHost,
            targetHost: project.targetHost,
            product: project.product,
            hostnameStrategy: project.hostnameStrategy,
            netbackupVersion: project.netbackupVersion,
            platformPath: project.platformPath,
            changeTicket: project.changeTicket,
            changeLinkTemplate: project.changeLinkTemplate,
            mediaServers: (JSON.parse(project.mediaServers) as string[]).join(", "),
            timezone: project.timezone,
            windowStart: utcToWallClock(project.windowStart, project.timezone),
            windowEnd: utcToWallClock(project.windowEnd, project.timezone),
            status: project.status,
          }}
        />
      </Card>
      <div className="mt-6">
        <ProjectMembers projectId={project.id} visibility={members.visibility} members={members.members} candidates={members.candidates.filter((c) => c.role !== "ADMIN")} />
      </div>
      <div className="mt-6">
        <ProjectNotificationSettings
          projectId={project.id}
          leadUserId={lead.leadUserId}
          overdueMinutes={lead.overdueMinutes}
          defaultOverdueMinutes={lead.defaultOverdueMinutes}
          fallback={lead.fallback}
          candidates={lead.candidates}
        />
      </div>
    </>
  );
}
