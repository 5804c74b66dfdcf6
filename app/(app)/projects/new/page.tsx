import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NewProjectForm } from "@/components/new-project-form";
import { Card, PageHeader } from "@/components/ui/card";
import { canCreateProject } from "@/lib/permissions";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "New project" };

export default async function NewProjectPage() {
  const user = await requireUser();
  if (!canCreateProject(user)) notFound();
  return (
    <>
      <PageHeader title="New migration project" subtitle="The hosts, the downtime window and the plan to start from." />
      <Card className="p-5 sm:p-6">
        <NewProjectForm />
      </Card>
    </>
  );
}
