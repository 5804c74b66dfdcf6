"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { authClient } from "@/lib/platform/auth/auth-client";
import { Button } from "../ui/button";
import { Field, FormError, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export function ResetPasswordForm() {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [form, setForm] = useState({ newPassword: "", repeat: "" });
  const { errors, message, pending, submit, setErrors } = useApiForm();

  // The fragment never reaches the server; read it once the page runs in the browser.
  useEffect(() => setToken(window.location.hash.slice(1)), []);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (form.newPassword !== form.repeat) {
      setErrors({ repeat: ["The two passwords differ."] });
      return;
    }
    const result = await submit(() => apiRequest<{ email: string }>("POST", "/api/password-reset", { token, newPassword: form.newPassword }), { keepPending: true });
    if (!result.ok) return;
    const signIn = await authClient.signIn.email({ email: result.data.email, password: form.newPassword });
    router.push(signIn.error ? "/login" : "/projects");
    router.refresh();
  }

  if (token === null) return <p className="text-sm text-slate-600 dark:text-slate-400">Loading…</p>;
  if (token === "") {
    return (
      <div className="space-y-3 text-sm">
        <FormError message="This page needs the whole reset link an admin gave you, including the part after #." />
        <Link href="/login" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Back to sign-in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={save} className="space-y-4" noValidate>
      <FormError message={errors.token?.join(" ") ?? message} />
      <Field label="New password" error={errors.newPassword} hint="At least 12 characters, not easy to guess: a few unrelated words work well.">
        {(a) => <TextInput {...a} type="password" autoComplete="new-password" autoFocus value={form.newPassword} onChange={(e) => setForm({ ...form, newPassword: e.target.value })} />}
      </Field>
      <Field label="New password again" error={errors.repeat}>
        {(a) => <TextInput {...a} type="password" autoComplete="new-password" value={form.repeat} onChange={(e) => setForm({ ...form, repeat: e.target.value })} />}
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={pending}>
        {pending ? "Saving…" : "Set password and sign in"}
      </Button>
    </form>
  );
}
