import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthShell } from "@/components/auth/auth-shell";
import { SignInForm } from "@/components/auth/sign-in-form";
import { prisma } from "@/lib/platform/db/client";
import { getCurrentUser } from "@/lib/platform/auth/session";
import { signInOptions, ssoErrorMessage } from "@/lib/platform/auth/sso-config";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await getCurrentUser()) redirect("/projects");
  if ((await prisma.user.count()) === 0) redirect("/setup");
  const options = signInOptions();
  const error = (await searchParams).error;
  const ssoError = options.sso ? ssoErrorMessage(typeof error === "string" ? error : undefined, options.sso.name) : null;
  return (
    <AuthShell title="Sign in to Runsheet">
      <SignInForm sso={options.sso} password={options.password} ssoError={ssoError} />
    </AuthShell>
  );
}
