"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/platform/auth/auth-client";
import { Button } from "../ui/button";
import { Field, FormError, TextInput } from "../ui/field";

interface SignInFormProps {
  /** Single sign-on, when configured: the button says "Sign in with <name>". */
  sso?: { name: string } | null;
  /** "hidden" under SSO only; "break-glass": SSO only, the form behind a link for the few accounts allowed a password. */
  password?: "shown" | "hidden" | "break-glass";
  /** Why the last single sign-on attempt came back to this page, as a fixed sentence. */
  ssoError?: string | null;
}

export function SignInForm({ sso = null, password: passwordMode = "shown", ssoError = null }: SignInFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(ssoError);
  const [pending, setPending] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  const [showPassword, setShowPassword] = useState(passwordMode === "shown");

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      const result = await authClient.signIn.email({ email: email.trim(), password });
      if (result.error) {
        setError(result.error.status === 401 ? "Wrong email or password." : (result.error.message ?? "Sign-in failed."));
        return;
      }
      router.push("/projects");
      router.refresh();
    } catch {
      setError("No connection to the server. Try again.");
    } finally {
      setPending(false);
    }
  }

  async function signInWithSso() {
    if (!sso) return;
    setError(null);
    setRedirecting(true);
    try {
      // The server answers with the IdP's authorization URL and the client library goes there;
      // the IdP sends the browser back to /api/auth/callback/oidc, which lands on /projects, or on
      // /login?error=… with the reason.
      const result = await authClient.signIn.social({ provider: "oidc", callbackURL: "/projects", newUserCallbackURL: "/projects", errorCallbackURL: "/login" });
      if (result.error) {
        setError(result.error.status === 404 ? `${sso.name} can't be reached at the moment. Try again shortly.` : (result.error.message ?? `Sign-in with ${sso.name} failed.`));
        setRedirecting(false);
      }
    } catch {
      setError("No connection to the server. Try again.");
      setRedirecting(false);
    }
  }

  return (
    <div className="space-y-4">
      {sso ? (
        <>
          <FormError message={error} />
          <Button type="button" size="lg" className="w-full" disabled={redirecting} onClick={signInWithSso}>
            {redirecting ? `Going to ${sso.name}…` : `Sign in with ${sso.name}`}
          </Button>
        </>
      ) : null}
      {sso && passwordMode === "break-glass" && !showPassword ? (
        <p className="text-center text-sm">
          <button type="button" className="text-slate-600 underline hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100" onClick={() => setShowPassword(true)}>
            Emergency sign-in with a password
          </button>
        </p>
      ) : null}
      {showPassword ? (
        <form onSubmit={submit} className="space-y-4" noValidate>
          {sso ? (
            <p className="border-t border-slate-200 pt-4 text-center text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
              {passwordMode === "break-glass" ? "Only for the break-glass accounts, when single sign-on is down" : "or with a Runsheet password"}
            </p>
          ) : (
            <FormError message={error} />
          )}
          <Field label="Email">{(a) => <TextInput {...a} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}</Field>
          <Field label="Password">
            {(a) => <TextInput {...a} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <Button type="submit" size="lg" variant={sso ? "secondary" : "primary"} className="w-full" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      ) : null}
    </div>
  );
}
