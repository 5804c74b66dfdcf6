import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunDashboardView } from "@/components/dashboard/run-dashboard-view";
import { getRunDashboard } from "@/lib/dashboard/queries";
import { NotFoundError } from "@/lib/platform/errors";
import { requireUser } from "@/lib/platform/auth/session";
import { projectUserOrNull } from "@/lib/projects/access";

export const metadata: Metadata = { title: "Dashboard" };

export default async function RunDashboardPage({ params, searchParams }: { params: Promise<{ projectId: string; runId: string }>; searchParams: Promise<{ compare?: string }> }) {
  const [{ projectId, runId }, { compare }] = await Promise.all([params, searchParams]);
  if (!await projectUserOrNull({ user: await requireUser(), projectId })) notFound();
  const dashboard = await getRunDashboard({ runId, compareRunId: typeof compare === "string" ? compare : null }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  if (dashboard.project.id !== projectId) notFound();
  return <RunDashboardView data={dashboard} />;
}
