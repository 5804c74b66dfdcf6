"use client";
import { useId, useState, type ChangeEvent } from "react";
import type { RunbookDocument } from "@/lib/templates/runbook-document";
import { readRunbookFile, type ExportedProjectFields } from "@/lib/templates/document-file";
import { summarizeRunbook, type RunbookSummary } from "@/lib/templates/summary";
import { netbackupVariantKey, type NetbackupVariant } from "@/lib/templates/ids";
import { NETBACKUP_VERSION_LABELS } from "@/lib/projects/model";
import { EmptyState } from "../ui/card";
import { TemplateSummary } from "./template-summary";

/** A template the new-project form offers, with its preview computed on the server. */
export interface TemplateChoice {
  id: string;
  builtIn: boolean;
  name: string;
  description: string;
  summary: RunbookSummary;
  /** Built-in NetBackup templates: the preview per version family and platform path (netbackupVariantKey). */
  variants?: Record<string, RunbookSummary>;
}

export interface ImportedPlan {
  fileName: string;
  kind: "runbook" | "run-export";
  document: RunbookDocument;
  summary: RunbookSummary;
  project: ExportedProjectFields | null;
}

/**
 * "Start from": every built-in and saved template, an empty plan, or an imported file (a template
 * JSON or the run export's plan), with the preview of the one chosen next to the list.
 */
export function TemplatePicker({
  choices,
  value,
  onChange,
  imported,
  onImported,
  windowMinutes,
  variant,
  error,
}: {
  choices: TemplateChoice[];
  /** The project's NetBackup version family and platform path: the built-in NetBackup templates preview that variant. */
  variant: NetbackupVariant;
  value: string;
  onChange: (value: string) => void;
  imported: ImportedPlan | null;
  onImported: (plan: ImportedPlan | null) => void;
  windowMinutes: number | null;
  error?: string[];
}) {
  const fileId = useId();
  const [fileErrors, setFileErrors] = useState<string[]>([]);
  const builtIns = choices.filter((c) => c.builtIn);
  const saved = choices.filter((c) => !c.builtIn);
  const selected = choices.find((c) => c.id === value);
  const summaryOf = (c: TemplateChoice) => c.variants?.[netbackupVariantKey(variant)] ?? c.summary;

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setFileErrors([]);
    if (!file) return;
    const result = readRunbookFile(await file.text());
    if (!result.ok) {
      setFileErrors(result.errors);
      onImported(null);
      return;
    }
    onImported({ fileName: file.name, kind: result.kind, document: result.document, summary: summarizeRunbook(result.document), project: result.project });
    onChange("import");
  }

  const option = (id: string, title: string, text: string) => (
    <label
      key={id}
      className={`block cursor-pointer rounded-lg p-3 ring-1 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600 ${value === id ? "bg-indigo-50 ring-2 ring-indigo-600 dark:bg-indigo-950/40" : "ring-slate-300 hover:bg-slate-50 dark:ring-slate-700 dark:hover:bg-slate-800/50"}`}
    >
      <input type="radio" name="template" value={id} checked={value === id} onChange={() => onChange(id)} className="sr-only" />
      <span className="block text-sm font-semibold">{title}</span>
      <span className="mt-0.5 block text-xs text-slate-600 dark:text-slate-400">{text}</span>
    </label>
  );
  const describe = (c: TemplateChoice) => {
    const summary = summaryOf(c);
    return `${summary.forwardStepCount} steps and ${summary.rollbackStepCount} rollback steps in ${summary.phaseCount} phases.`;
  };

  return (
    <fieldset aria-describedby={error?.length ? `${fileId}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Start from</legend>
      {error?.length ? (
        <p id={`${fileId}-error`} role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
          {error.join(" ")}
        </p>
      ) : null}
      <div className="mt-2 grid gap-4 lg:grid-cols-5">
        <div className="space-y-2 lg:col-span-2">
          <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Built-in templates</p>
          {builtIns.map((c) => option(c.id, c.name, describe(c)))}
          {saved.length > 0 ? <p className="pt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Saved templates</p> : null}
          {saved.map((c) => option(c.id, c.name, c.description ? `${c.description.slice(0, 120)}${c.description.length > 120 ? "…" : ""}` : describe(c)))}
          <p className="pt-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Other</p>
          {option("empty", "Empty plan", "Start with no phases and add your own steps.")}
          <div className={`rounded-lg p-3 ring-1 ${value === "import" ? "bg-indigo-50 ring-2 ring-indigo-600 dark:bg-indigo-950/40" : "ring-slate-300 dark:ring-slate-700"}`}>
            <label htmlFor={fileId} className="block text-sm font-semibold">
              Import a plan file
            </label>
            <span className="mt-0.5 block text-xs text-slate-600 dark:text-slate-400">A template (.json) or a run export: its plan becomes this project&apos;s plan.</span>
            <input id={fileId} type="file" accept=".json,application/json" onChange={readFile} className="mt-2 block w-full text-xs file:mr-2 file:rounded file:border-0 file:bg-slate-200 file:px-2 file:py-1 dark:file:bg-slate-700" />
            {imported && value !== "import" ? (
              <button type="button" className="mt-2 text-xs font-semibold text-indigo-700 underline dark:text-indigo-300" onClick={() => onChange("import")}>
                Use {imported.fileName}
              </button>
            ) : null}
            {fileErrors.length ? (
              <ul role="alert" className="mt-2 list-disc space-y-0.5 pl-4 text-xs text-rose-700 dark:text-rose-300">
                {fileErrors.slice(0, 8).map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
        <div className="rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200 lg:col-span-3 dark:bg-slate-950/40 dark:ring-slate-800">
          {value === "empty" ? (
            <EmptyState title="An empty plan">Add phases and steps on the project page, import them from a CSV, or save another project as a template first.</EmptyState>
          ) : value === "import" && imported ? (
            <>
              <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
                From {imported.kind === "run-export" ? "the run export" : "the template file"} <span className="font-mono">{imported.fileName}</span>
              </p>
              <TemplateSummary summary={imported.summary} windowMinutes={windowMinutes} />
            </>
          ) : value === "import" ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Choose a file to see its plan.</p>
          ) : selected ? (
            <>
              {selected.variants ? (
                <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
                  For {NETBACKUP_VERSION_LABELS[variant.version]}, {variant.path === "CROSS_PLATFORM" ? "moving to a different OS or architecture" : "on the same OS and architecture"}: the version and platform chosen above.
                </p>
              ) : null}
              <TemplateSummary summary={summaryOf(selected)} windowMinutes={windowMinutes} />
            </>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Choose a template to see its plan.</p>
          )}
        </div>
      </div>
    </fieldset>
  );
}
