"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Field, FormError, FormSuccess, TextArea } from "../ui/field";

/** The confirmation on /approve/<token>: the decision is made only when this form is sent. */
export function ApprovalForm({ token, initialDecision, expiresAt, runHref }: { token: string; initialDecision: "GO" | "NO_GO"; expiresAt: string; runHref: string }) {
  const [decision, setDecision] = useState(initialDecision);
  const [note, setNote] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string[] | undefined>();
  const [done, setDone] = useState<string | null>(null);

  async function send(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setFieldError(undefined);
    const result = await apiRequest<{ status: string }>("POST", `/api/approve/${encodeURIComponent(token)}`, { decision, note });
    setPending(false);
    if (!result.ok) {
      setFieldError(result.error.fieldErrors.note);
      return setError(result.error.fieldErrors.note ? "Please add a note." : result.error.message);
    }
    setDone(decision === "GO" ? "Recorded: Go. The gate's record names you, and that it came from your email link." : "Recorded: No-Go. The gate's record names you, and that it came from your email link.");
  }

  if (done) {
    return (
      <div className="mt-4 space-y-3">
        <FormSuccess message={done} />
        <Link href={runHref} className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          Open the run (sign-in needed)
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={send} className="mt-4 space-y-4">
      <fieldset>
        <legend className="text-sm font-medium">Your decision</legend>
        <div className="mt-2 flex gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="decision" value="GO" checked={decision === "GO"} onChange={() => setDecision("GO")} /> Go (approve)
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="decision" value="NO_GO" checked={decision === "NO_GO"} onChange={() => setDecision("NO_GO")} /> No-Go (reject)
          </label>
        </div>
      </fieldset>
      <Field label="Note" error={fieldError} hint="What you checked, or why not. It goes on the record.">
        {(control) => <TextArea {...control} name="note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />}
      </Field>
      <FormError message={error} />
      <Button type="submit" variant={decision === "GO" ? "success" : "danger"} disabled={pending} className="w-full">
        {pending ? "Recording…" : decision === "GO" ? "Confirm Go" : "Confirm No-Go"}
      </Button>
      <p className="text-xs text-slate-500 dark:text-slate-400">This link works once, only for you, until {new Date(expiresAt).toUTCString()}.</p>
    </form>
  );
}
