import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { z } from "zod";
import { PlanHistoryView } from "@/components/plan/plan-history";
import { getPlanHistory } from "@/lib/plan/queries";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { NotFoundError } from "@/lib/platform/errors";
import { projectUserOrNull } from "@/lib/projects/access";

export const metadata: Metadata = { title: "Plan history" };

const version = z.coerce.number().int().positive().nullable().catch(null);
/** Versions live in the URL so a comparison can be shared; a malformed one is ignored. */
const query = z.object({ from: version.default(null), to: version.default(null) });

export default async function PlanHistoryPage({ params, searchParams }: { params: Promise<{ projectId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [{ projectId }, raw] = await Promise.all([params, searchParams]);
  const user = await requireUser();
  if (!canViewProjects(user)) forbidden();
  if (!await projectUserOrNull({ user, projectId })) notFound();
  const { from, to } = query.parse({ from: raw.from, to: raw.to });
  const history = await getPlanHistory({ projectId, from, to }).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return <PlanHistoryView history={history} />;
}
