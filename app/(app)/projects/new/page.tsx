import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { NewProjectForm } from "@/components/projects/new-project-form";
import { Card, PageHeader } from "@/components/ui/card";
import { canCreateProject } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listTemplates } from "@/lib/templates/service";

export const metadata: Metadata = { title: "New project" };

export default async function NewProjectPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!canCreateProject(user)) forbidden();
  // Saved templates whose body no longer parses can't be offered; the library page shows why.
  const templates = (await listTemplates()).flatMap((t) => (t.summary ? [{ id: t.id, builtIn: t.builtIn, name: t.name, description: t.description, summary: t.summary, ...(t.variants ? { variants: t.variants } : {}) }] : []));
  const requested = (await searchParams).template;
  const initialTemplate = typeof requested === "string" && templates.some((t) => t.id === requested) ? requested : undefined;
  return (
    <>
      <PageHeader title="New migration project" subtitle="The hosts, the downtime window and the plan to start from." />
      <Card className="p-5 sm:p-6">
        <NewProjectForm templates={templates} initialTemplate={initialTemplate} />
      </Card>
    </>
  );
}
