import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthShell } from "@/components/auth/auth-shell";
import { FirstAdminForm } from "@/components/auth/first-admin-form";
import { prisma } from "@/lib/platform/db/client";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  await connection();
  if ((await prisma.user.count()) > 0) redirect("/login");
  return (
    <AuthShell title="Welcome to Runsheet" subtitle="Create the first admin account. You can add your team afterwards.">
      <FirstAdminForm />
    </AuthShell>
  );
}
