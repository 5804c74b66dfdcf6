"use client";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, FormSuccess, Select, TextInput } from "../ui/field";

/**
 * Project settings: who receives escalations when a "you're up" or "overdue" goes unanswered, and
 * how late a step may run before it counts as overdue.
 */
export function ProjectNotificationSettings(props: {
  projectId: string;
  leadUserId: string | null;
  overdueMinutes: number | null;
  defaultOverdueMinutes: number;
  fallback: string;
  candidates: { id: string; name: string }[];
}) {
  const [lead, setLead] = useState(props.leadUserId ?? "");
  const [overdue, setOverdue] = useState(props.overdueMinutes === null ? "" : String(props.overdueMinutes));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [notice, setNotice] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setFieldErrors({});
    setNotice(null);
    // Anything but whole minutes goes to the server as typed, which says what is wrong (never a silent default).
    const minutes = overdue.trim() === "" ? null : /^\d+$/.test(overdue.trim()) ? Number(overdue.trim()) : overdue.trim();
    const result = await apiRequest("PUT", `/api/projects/${encodeURIComponent(props.projectId)}/notification-settings`, { leadUserId: lead || null, overdueMinutes: minutes });
    setPending(false);
    if (!result.ok) {
      setFieldErrors(result.error.fieldErrors);
      return setError(result.error.message);
    }
    setNotice("Notification settings saved.");
  }

  return (
    <Card className="p-5 sm:p-6" aria-labelledby="project-notification-settings-heading">
      <h2 id="project-notification-settings-heading" className="font-semibold">
        Notifications
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        The lead gets an escalation when someone doesn&apos;t acknowledge &ldquo;you&apos;re up&rdquo; or &ldquo;overdue&rdquo; after two reminders. Without a lead: {props.fallback}.
      </p>
      <form onSubmit={save} className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field label="Project lead" className="sm:w-72" error={fieldErrors.leadUserId}>
          {(control) => (
            <Select {...control} value={lead} onChange={(e) => setLead(e.target.value)}>
              <option value="">No lead set</option>
              {props.candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Overdue after (minutes past the planned finish)" className="sm:w-72" error={fieldErrors.overdueMinutes} hint={`Empty: the server's default, ${props.defaultOverdueMinutes} min.`}>
          {(control) => <TextInput {...control} inputMode="numeric" value={overdue} placeholder={String(props.defaultOverdueMinutes)} onChange={(e) => setOverdue(e.target.value)} />}
        </Field>
        <Button type="submit" variant="secondary" disabled={pending} className="sm:mt-6">
          {pending ? "Saving…" : "Save notification settings"}
        </Button>
      </form>
      <div className="mt-3 space-y-2">
        <FormError message={error} />
        <FormSuccess message={notice} />
      </div>
    </Card>
  );
}
