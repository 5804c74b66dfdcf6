"use client";
import { useEffect, useState } from "react";
import { defaultProjectValues, ProjectForm, type ProjectFormValues } from "./project-form";
import type { TemplateChoice } from "../templates/template-picker";

/** Defaults depend on the browser's zone and today's date, so they are computed after mount. */
export function NewProjectForm({ templates, initialTemplate }: { templates: TemplateChoice[]; initialTemplate?: string }) {
  const [initial, setInitial] = useState<ProjectFormValues | null>(null);
  useEffect(() => setInitial(defaultProjectValues()), []);
  if (!initial) return <p className="text-sm text-slate-500" aria-busy="true">Loading…</p>;
  return <ProjectForm mode="create" initial={initial} templates={templates} initialTemplate={initialTemplate} />;
}
