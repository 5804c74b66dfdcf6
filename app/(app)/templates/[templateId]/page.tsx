import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { TemplateActions } from "@/components/templates/template-actions";
import { TemplateEditor } from "@/components/templates/template-editor";
import { TemplateOutline } from "@/components/templates/template-outline";
import { TemplateSummary } from "@/components/templates/template-summary";
import { Card, PageHeader } from "@/components/ui/card";
import { Pill } from "@/components/ui/status-badge";
import { NotFoundError } from "@/lib/platform/errors";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { getTemplate } from "@/lib/templates/service";

export const metadata: Metadata = { title: "Template" };

export default async function TemplatePage({ params }: { params: Promise<{ templateId: string }> }) {
  const { templateId } = await params;
  const user = await requireUser();
  if (!canManageTemplates(user)) forbidden();
  const { item, document, body } = await getTemplate({ templateId }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/templates" className="hover:underline">
            ← Templates
          </Link>
        }
        title={item.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            {item.builtIn ? <Pill tone="indigo">Built-in</Pill> : <Pill>Saved template</Pill>}
            {item.createdBy ? <span>by {item.createdBy}</span> : null}
          </span>
        }
        actions={
          <>
            {document ? (
              <ButtonLink href={`/projects/new?template=${encodeURIComponent(item.id)}`}>New project from this template</ButtonLink>
            ) : null}
            <TemplateActions templateId={item.id} name={item.name} builtIn={item.builtIn} after="library" />
          </>
        }
      />
      {item.builtIn ? null : (
        <section aria-labelledby="edit-heading" className="mb-8">
          <h2 id="edit-heading" className="mb-3 text-lg font-bold">
            Edit
          </h2>
          <TemplateEditor mode="edit" templateId={item.id} name={item.name} description={item.description} body={body} updatedAt={item.updatedAt!} />
        </section>
      )}
      {document && item.summary ? (
        <section aria-labelledby="plan-heading" className="space-y-4">
          <h2 id="plan-heading" className="text-lg font-bold">
            {item.builtIn ? "The plan" : "The plan as saved"}
          </h2>
          {item.builtIn ? (
            <Card className="p-4">
              <TemplateSummary summary={item.summary} />
            </Card>
          ) : null}
          <TemplateOutline document={document} />
        </section>
      ) : (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          {item.problem}
        </p>
      )}
    </>
  );
}
