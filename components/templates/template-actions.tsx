"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { FormError } from "../ui/field";

/**
 * Duplicate (any template) and Delete (saved ones). A duplicate opens in the editor, since the
 * usual reason to duplicate is to change it.
 */
export function TemplateActions({ templateId, name, builtIn, after = "stay", size = "md" }: { templateId: string; name: string; builtIn: boolean; after?: "stay" | "library"; size?: "sm" | "md" }) {
  const router = useRouter();
  const [pending, setPending] = useState<"duplicate" | "delete" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function duplicate() {
    setPending("duplicate");
    setError(null);
    const result = await apiRequest<{ id: string }>("POST", `/api/templates/${templateId}/duplicate`, {});
    setPending(null);
    if (!result.ok) return setError(result.error.message);
    router.push(`/templates/${result.data.id}`);
  }

  async function remove() {
    if (!window.confirm(`Delete the template "${name}"? Projects created from it keep their plans.`)) return;
    setPending("delete");
    setError(null);
    const result = await apiRequest("DELETE", `/api/templates/${templateId}`);
    setPending(null);
    if (!result.ok) return setError(result.error.message);
    if (after === "library") router.push("/templates");
    router.refresh();
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button size={size} variant="secondary" onClick={duplicate} disabled={pending !== null} aria-label={`Duplicate ${name}`}>
        {pending === "duplicate" ? "Duplicating…" : "Duplicate"}
      </Button>
      {builtIn ? null : (
        <Button size={size} variant="ghost" onClick={remove} disabled={pending !== null} aria-label={`Delete ${name}`}>
          {pending === "delete" ? "Deleting…" : "Delete"}
        </Button>
      )}
      {error ? (
        <div className="w-full">
          <FormError message={error} />
        </div>
      ) : null}
    </div>
  );
}
