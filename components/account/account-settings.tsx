"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import type { SessionSummary } from "@/lib/users/sessions";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, FormSuccess, TextInput } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { useApiForm } from "../ui/use-api-form";
import { useSignOut } from "../shell/use-sign-out";

export function ChangePasswordForm({ email }: { email: string }) {
  const router = useRouter();
  const empty = { currentPassword: "", newPassword: "", repeat: "" };
  const [form, setForm] = useState(empty);
  const [done, setDone] = useState<string | null>(null);
  const { errors, message, pending, submit, setErrors } = useApiForm();

  async function change(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    if (form.newPassword !== form.repeat) {
      setErrors({ repeat: ["The two new passwords differ."] });
      return;
    }
    const result = await submit(() => apiRequest<{ otherSessionsEnded: number }>("POST", "/api/account/password", { currentPassword: form.currentPassword, newPassword: form.newPassword }));
    if (!result.ok) return;
    const ended = result.data.otherSessionsEnded;
    setDone(`Password changed.${ended > 0 ? ` ${ended} other session${ended === 1 ? " was" : "s were"} signed out.` : ""}`);
    setForm(empty);
    router.refresh();
  }

  return (
    <Card className="self-start p-5">
      <h2 className="font-semibold">Change your password</h2>
      <form onSubmit={change} className="mt-4 space-y-3" noValidate>
        <FormError message={message} />
        <FormSuccess message={done} />
        {/* Lets password managers pair the new password with the right account. */}
        <input type="email" autoComplete="username" value={email} readOnly hidden />
        <Field label="Current password" error={errors.currentPassword}>
          {(a) => <TextInput {...a} type="password" autoComplete="current-password" value={form.currentPassword} onChange={(e) => setForm({ ...form, currentPassword: e.target.value })} />}
        </Field>
        <Field label="New password" error={errors.newPassword} hint="At least 12 characters, not easy to guess: a few unrelated words work well.">
          {(a) => <TextInput {...a} type="password" autoComplete="new-password" value={form.newPassword} onChange={(e) => setForm({ ...form, newPassword: e.target.value })} />}
        </Field>
        <Field label="New password again" error={errors.repeat}>
          {(a) => <TextInput {...a} type="password" autoComplete="new-password" value={form.repeat} onChange={(e) => setForm({ ...form, repeat: e.target.value })} />}
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Changing…" : "Change password"}
        </Button>
      </form>
    </Card>
  );
}

/** "Firefox on Linux" from a user agent: enough to recognise a device, no parsing library needed for it. */
function deviceOf(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent) ? "Edge" : /Firefox\//.test(userAgent) ? "Firefox" : /Chrome\/|Chromium\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : "A browser";
  const system = /iPhone|iPad/.test(userAgent) ? "iOS" : /Android/.test(userAgent) ? "Android" : /Windows/.test(userAgent) ? "Windows" : /Mac OS X/.test(userAgent) ? "macOS" : /Linux/.test(userAgent) ? "Linux" : null;
  return system ? `${browser} on ${system}` : browser;
}

function LocalTime({ value }: { value: string }) {
  return (
    <time dateTime={value} suppressHydrationWarning>
      {new Date(value).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}
    </time>
  );
}

export function SessionList({ sessions, idleHours, maxHours }: { sessions: SessionSummary[]; idleHours: number; maxHours: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const others = sessions.filter((s) => !s.current);

  async function revoke(url: string, key: string, done: (data: { revoked?: number }) => string) {
    setError(null);
    setNotice(null);
    setBusy(key);
    const result = await apiRequest<{ revoked?: number }>("DELETE", url);
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    setNotice(done(result.data));
    router.refresh();
  }

  return (
    <Card className="self-start overflow-hidden lg:col-span-2">
      <div className="flex flex-wrap items-center justify-between gap-3 px-5 pt-5">
        <div>
          <h2 className="font-semibold">Where you are signed in</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A session ends after {idleHours} hours without use (an open run page counts as use), and {maxHours} hours after signing in at the latest.
          </p>
        </div>
        {others.length > 0 ? (
          <Button variant="secondary" size="sm" disabled={busy !== null} onClick={() => revoke("/api/account/sessions", "others", (d) => `Signed out ${d.revoked ?? 0} other session${d.revoked === 1 ? "" : "s"}.`)}>
            {busy === "others" ? "Signing out…" : "Sign out everywhere else"}
          </Button>
        ) : null}
      </div>
      <div className="px-5 pt-3">
        <FormError message={error} />
        <FormSuccess message={notice} />
      </div>
      <ul aria-label="Your sessions" className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
        {sessions.map((session) => {
          const device = deviceOf(session.userAgent);
          return (
            <li key={session.id} className="flex flex-wrap items-center gap-3 px-5 py-3">
              <div className="min-w-0 flex-1">
                <div className="font-medium">
                  {device} {session.current ? <Pill tone="emerald">This device</Pill> : null}
                </div>
                <div className="text-sm text-slate-600 dark:text-slate-400">
                  {session.address ?? "Unknown address"} · signed in <LocalTime value={session.signedInAt} /> · last active <LocalTime value={session.lastActiveAt} />
                </div>
              </div>
              {session.current ? null : (
                <Button size="sm" variant="secondary" disabled={busy !== null} aria-label={`Sign out ${device} at ${session.address ?? "an unknown address"}`} onClick={() => revoke(`/api/account/sessions/${session.id}`, session.id, () => `Signed out ${device}.`)}>
                  {busy === session.id ? "Signing out…" : "Sign out"}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** Sign out of this device: also in the header on wider screens; on a phone it lives here. */
export function SignOutCard() {
  const { signOut, signingOut, error } = useSignOut();
  return (
    <Card className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center lg:col-span-3">
      <p className="min-w-0 flex-1 text-sm text-slate-600 dark:text-slate-400">Leaving a shared laptop or a phone on the data-center floor? Sign out of this device.</p>
      <FormError message={error} />
      <Button variant="secondary" onClick={signOut} disabled={signingOut}>
        {signingOut ? "Signing out…" : "Sign out of this device"}
      </Button>
    </Card>
  );
}
