import type { Metadata } from "next";
import Link from "next/link";
import { ProjectList } from "@/components/project-list";
import { canCreateProject } from "@/lib/permissions";
import { listProjectSummaries } from "@/lib/projects";
import { requireUser } from "@/lib/session";
import { PageHeader } from "@/components/ui/card";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const user = await requireUser();
  const projects = await listProjectSummaries({ user });
  const canCreate = canCreateProject(user);
  return (
    <>
      <PageHeader
        title="Migration projects"
        subtitle="Every server move, its downtime window and how far its run has got."
        actions={
          canCreate ? (
            <Link href="/projects/new" className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
              New project
            </Link>
          ) : null
        }
      />
      <ProjectList projects={projects} canCreate={canCreate} />
    </>
  );
}
