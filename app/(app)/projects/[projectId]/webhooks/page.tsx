import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { WebhookManager } from "@/components/webhooks/webhook-manager";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { NotFoundError } from "@/lib/platform/errors";
import { canManageWebhooks } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { getProject } from "@/lib/projects/service";
import { listProjectWebhooks } from "@/lib/webhooks/queries";

export const metadata: Metadata = { title: "Webhooks" };

export default async function ProjectWebhooksPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const user = await requireUser();
  // Webhooks send the project's events elsewhere with a secret: installation admins only.
  if (!canManageWebhooks(user)) forbidden();
  const project = await getProject({ projectId }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const endpoints = await listProjectWebhooks({ projectId: project.id });
  return (
    <>
      <PageHeader
        title="Webhooks"
        subtitle={project.name}
        actions={
          <ButtonLink href={`/projects/${project.id}`} variant="secondary">
            Back to project
          </ButtonLink>
        }
      />
      <WebhookManager projectId={project.id} timeZone={project.timezone} endpoints={endpoints} />
    </>
  );
}
