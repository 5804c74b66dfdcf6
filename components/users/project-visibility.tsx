"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { PROJECT_VISIBILITIES, PROJECT_VISIBILITY_LABELS } from "@/lib/projects/model";
import { Card } from "../ui/card";
import { FormError } from "../ui/field";

/** The installation setting: whether viewers and operators see only the projects they are members of. */
export function ProjectVisibilitySetting({ value }: { value: "members" | "all" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function choose(next: "members" | "all") {
    setError(null);
    setPending(true);
    const result = await apiRequest("PATCH", "/api/settings", { projectVisibility: next });
    setPending(false);
    if (!result.ok) return setError(result.error.message);
    router.refresh();
  }
  return (
    <Card className="mb-6 p-5">
      <fieldset disabled={pending}>
        <legend className="font-semibold">Who sees which projects</legend>
        <FormError message={error} />
        <div className="mt-3 space-y-2">
          {PROJECT_VISIBILITIES.map((option) => (
            <label key={option} className="flex items-start gap-2 text-sm">
              <input type="radio" name="projectVisibility" value={option} checked={value === option} onChange={() => choose(option)} className="mt-0.5" />
              <span>{PROJECT_VISIBILITY_LABELS[option]}</span>
            </label>
          ))}
        </div>
        <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">Admins always see every project. Members are managed on each project&apos;s settings page.</p>
      </fieldset>
    </Card>
  );
}
