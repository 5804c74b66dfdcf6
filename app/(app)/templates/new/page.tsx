import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { TemplateEditor } from "@/components/templates/template-editor";
import { PageHeader } from "@/components/ui/card";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";

export const metadata: Metadata = { title: "New template" };

export default async function NewTemplatePage() {
  const user = await requireUser();
  if (!canManageTemplates(user)) forbidden();
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/templates" className="hover:underline">
            ← Templates
          </Link>
        }
        title="New template"
        subtitle="Write the plan as runbook JSON, or load a template file or a run export."
      />
      <TemplateEditor mode="create" />
    </>
  );
}
