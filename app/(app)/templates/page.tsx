import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { forbidden } from "next/navigation";
import { TemplateLibrary } from "@/components/templates/template-library";
import { PageHeader } from "@/components/ui/card";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listTemplates } from "@/lib/templates/service";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage() {
  const user = await requireUser();
  if (!canManageTemplates(user)) forbidden();
  const items = await listTemplates();
  return (
    <>
      <PageHeader
        title="Runbook templates"
        subtitle="The plans new projects start from."
        actions={
          <ButtonLink href="/templates/new">
            New template
          </ButtonLink>
        }
      />
      <TemplateLibrary items={items} />
    </>
  );
}
