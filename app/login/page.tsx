import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth/auth-shell";
import { SignInForm } from "@/components/auth/sign-in-form";
import { prisma } from "@/lib/platform/db/client";
import { getCurrentUser } from "@/lib/platform/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await getCurrentUser()) redirect("/projects");
  if ((await prisma.user.count()) === 0) redirect("/setup");
  return (
    <AuthShell title="Sign in to Runsheet">
      <SignInForm />
    </AuthShell>
  );
}
