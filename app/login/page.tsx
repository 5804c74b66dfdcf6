import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth-shell";
import { SignInForm } from "@/components/sign-in-form";
import { prisma } from "@/lib/db/client";
import { getCurrentUser } from "@/lib/session";

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
