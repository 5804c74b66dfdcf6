"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { authClient } from "@/lib/platform/auth/auth-client";
import { Button } from "../ui/button";
import { Field, FormError, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

export function FirstAdminForm() {
  const router = useRouter();
  const [form, setForm] = useState({ name: "", email: "", password: "" });
  const { errors, message, pending, submit } = useApiForm();

  async function createAdmin(event: FormEvent) {
    event.preventDefault();
    // Stays pending on success: signing in and moving on to the projects follow.
    const result = await submit(() => apiRequest("POST", "/api/setup", form), { keepPending: true });
    if (!result.ok) return;
    const signIn = await authClient.signIn.email({ email: form.email.trim(), password: form.password });
    if (signIn.error) {
      router.push("/login");
      return;
    }
    router.push("/projects");
    router.refresh();
  }

  const bind = (key: keyof typeof form) => ({ value: form[key], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: e.target.value }) });
  return (
    <form onSubmit={createAdmin} className="space-y-4" noValidate>
      <FormError message={message} />
      <Field label="Your name" error={errors.name}>{(a) => <TextInput {...a} autoComplete="name" {...bind("name")} />}</Field>
      <Field label="Email" error={errors.email}>{(a) => <TextInput {...a} type="email" autoComplete="username" {...bind("email")} />}</Field>
      <Field label="Password" error={errors.password} hint="At least 12 characters, not easy to guess: a few unrelated words work well.">
        {(a) => <TextInput {...a} type="password" autoComplete="new-password" {...bind("password")} />}
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={pending}>
        {pending ? "Creating…" : "Create admin account"}
      </Button>
    </form>
  );
}
