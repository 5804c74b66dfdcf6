import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TeamAdmin } from "@/components/teams/team-admin";
import { PageHeader } from "@/components/ui/card";
import { canManageTeams } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listTeams } from "@/lib/teams/queries";

export const metadata: Metadata = { title: "Teams" };

export default async function TeamsPage() {
  const user = await requireUser();
  if (!canManageTeams(user)) forbidden();
  return (
    <>
      <PageHeader title="Teams" subtitle="The teams steps are assigned to, for every project. Renaming or merging one changes the plans; runs keep the names they ran with." />
      <TeamAdmin teams={await listTeams()} />
    </>
  );
}
