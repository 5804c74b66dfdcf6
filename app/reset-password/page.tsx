import type { Metadata } from "next";
import { AuthShell } from "@/components/auth/auth-shell";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** Opened from an admin's one-time link; the token is in the URL fragment, read by the form. */
export default function ResetPasswordPage() {
  return (
    <AuthShell title="Choose a new password" subtitle="An admin reset your password. Choose a new one to sign in.">
      <ResetPasswordForm />
    </AuthShell>
  );
}
