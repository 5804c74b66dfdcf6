import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { UserAdmin } from "@/components/users/user-admin";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listUsers } from "@/lib/users/service";
import { ProjectVisibilitySetting } from "@/components/users/project-visibility";
import { getProjectVisibility } from "@/lib/projects/access";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  if (!canManageUsers(user)) forbidden();
  const users = await listUsers();
  return (
    <>
      <PageHeader title="Users" subtitle="Who can sign in, and what each role may do." actions={<><ButtonLink href="/admin/tokens" variant="secondary">API tokens</ButtonLink> <ButtonLink href="/admin/activity" variant="secondary">Account activity</ButtonLink></>} />
      <ProjectVisibilitySetting value={await getProjectVisibility()} />
      <UserAdmin
        meId={user.id}
        users={users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, active: u.deactivatedAt === null, demo: u.isDemo }))}
      />
    </>
  );
}
