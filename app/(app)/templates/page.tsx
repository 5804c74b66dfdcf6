import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TemplateLibrary } from "@/components/templates/template-library";
import { PageHeader } from "@/components/ui/card";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listTemplates } from "@/lib/templates/service";

export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage() {
  const user = await requireUser();
  if (!canManageTemplates(user)) notFound();
  const items = await listTemplates();
  return (
    <>
      <PageHeader
        title="Runbook templates"
        subtitle="The plans new projects start from."
        actions={
          <Link href="/templates/new" className="inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
            New template
          </Link>
        }
      />
      <TemplateLibrary items={items} />
    </>
  );
}
