"use client";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, FormSuccess, Select } from "../ui/field";

/** Project settings: who receives escalations when a "you're up" or "overdue" goes unanswered. */
export function ProjectLeadCard({ projectId, leadUserId, fallback, candidates }: { projectId: string; leadUserId: string | null; fallback: string; candidates: { id: string; name: string }[] }) {
  const [value, setValue] = useState(leadUserId ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setNotice(null);
    const result = await apiRequest("PUT", `/api/projects/${encodeURIComponent(projectId)}/lead`, { userId: value || null });
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    setNotice("Project lead saved.");
  }

  return (
    <Card className="p-5 sm:p-6">
      <h2 className="font-semibold">Project lead</h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Gets an escalation when someone doesn&apos;t acknowledge &ldquo;you&apos;re up&rdquo; or &ldquo;overdue&rdquo; after two reminders. Without a lead: {fallback}.
      </p>
      <form onSubmit={save} className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field label="Lead" className="sm:w-72">
          {(control) => (
            <Select {...control} value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">No lead set</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Saving…" : "Save lead"}
        </Button>
      </form>
      <div className="mt-3 space-y-2">
        <FormError message={error} />
        <FormSuccess message={notice} />
      </div>
    </Card>
  );
}
