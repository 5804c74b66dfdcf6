import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { AccountActivity } from "@/components/audit/account-activity";
import { PageHeader } from "@/components/ui/card";
import { listInstallationEvents } from "@/lib/audit/queries";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";

export const metadata: Metadata = { title: "Account activity" };

export default async function AccountActivityPage() {
  const user = await requireUser();
  if (!canManageUsers(user)) forbidden();
  const events = await listInstallationEvents({ limit: 300 });
  return (
    <>
      <PageHeader title="Account activity" eyebrow="Users" subtitle="Sign-ins, refused sign-ins and delays, sign-outs, password and session changes: the last 300, from the installation's audit trail." />
      <AccountActivity events={events} />
    </>
  );
}
