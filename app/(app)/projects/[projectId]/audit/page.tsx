import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditLog } from "@/components/audit/audit-log";
import { getProjectAuditView } from "@/lib/audit/queries";
import { NotFoundError } from "@/lib/platform/errors";
import { requireUser } from "@/lib/platform/auth/session";
import { projectUserOrNull } from "@/lib/projects/access";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<{ run?: string }> }) {
  const [{ projectId }, { run }] = await Promise.all([params, searchParams]);
  if (!await projectUserOrNull({ user: await requireUser(), projectId })) notFound();
  const view = await getProjectAuditView({ projectId, runId: typeof run === "string" ? run : null }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return <AuditLog view={view} />;
}
