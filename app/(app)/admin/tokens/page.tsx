import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TokenManager } from "@/components/tokens/token-manager";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { canManageAllTokens } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";
import { listAllTokens, listTokenProjectChoices } from "@/lib/tokens/queries";

export const metadata: Metadata = { title: "API tokens" };

export default async function AdminTokensPage() {
  const user = await requireUser();
  if (!canManageAllTokens(user)) forbidden();
  const [tokens, projects] = await Promise.all([listAllTokens(), listTokenProjectChoices({ user })]);
  return (
    <>
      <PageHeader title="API tokens" subtitle="Every token of this installation: service tokens for scripts, and each person's own. Revoking one refuses its next request." actions={<ButtonLink href="/admin/users" variant="secondary">Users</ButtonLink>} />
      <TokenManager tokens={tokens} projects={projects} canMakeAdmin everyone />
    </>
  );
}
