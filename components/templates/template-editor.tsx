"use client";
import { useRouter } from "next/navigation";
import { useMemo, useState, type ChangeEvent, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { runbookDocumentSchema, type RunbookDocument } from "@/lib/templates/runbook-document";
import { issuesOf, readRunbookFile } from "@/lib/templates/document-file";
import { summarizeRunbook } from "@/lib/templates/summary";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, FormSuccess, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { TemplateSummary } from "./template-summary";

/** What a brand-new template starts from: one phase, one step, every field visible. */
const STARTER: RunbookDocument = {
  format: "runsheet.runbook",
  version: 1,
  name: "New template",
  description: "",
  phases: [
    {
      title: "Cutover window",
      description: "",
      inWindow: true,
      steps: [
        {
          key: "1",
          title: "Stop the service",
          details: "",
          commands: "systemctl stop <service>",
          verification: "Nothing listens on the service port.",
          team: "OS",
          plannedMinutes: 10,
          kind: "TASK",
          isFleet: false,
          fleetAction: null,
          predecessors: [],
          noGoOutcome: "ROLLBACK",
          gateApprovers: [],
          fourEyes: false,
          requiredFields: [],
        },
      ],
    },
  ],
};

type Check = { ok: true; document: RunbookDocument } | { ok: false; errors: string[] };

/** The body as typed: JSON, then the runbook document schema, with every problem by path. */
function checkBody(text: string): Check {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`Not valid JSON: ${error instanceof Error ? error.message : "parse error"}`] };
  }
  const parsed = runbookDocumentSchema.safeParse(value);
  return parsed.success ? { ok: true, document: parsed.data } : { ok: false, errors: issuesOf(parsed.error, "") };
}

/**
 * Create or edit a saved template: name, description and the plan as runbook JSON (typed,
 * pasted, or loaded from a template file or a run export), checked as you type, with the same
 * preview the new-project form shows.
 */
export function TemplateEditor(props: { mode: "create" } | { mode: "edit"; templateId: string; name: string; description: string; body: string; updatedAt: string }) {
  const router = useRouter();
  const [name, setName] = useState(props.mode === "edit" ? props.name : "");
  const [description, setDescription] = useState(props.mode === "edit" ? props.description : "");
  const [body, setBody] = useState(props.mode === "edit" ? props.body : JSON.stringify(STARTER, null, 2));
  const [updatedAt, setUpdatedAt] = useState(props.mode === "edit" ? props.updatedAt : "");
  const { errors, message, pending, submit, setErrors, setMessage } = useApiForm();
  const [saved, setSaved] = useState(false);
  const check = useMemo(() => checkBody(body), [body]);
  const summary = useMemo(() => (check.ok ? summarizeRunbook({ ...check.document, name: name || check.document.name, description }) : null), [check, name, description]);

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    const result = readRunbookFile(await file.text());
    if (!result.ok) {
      setMessage(`${file.name}: ${result.errors[0]}`);
      setErrors({ document: result.errors });
      return;
    }
    setMessage(null);
    setErrors({});
    setBody(JSON.stringify(result.document, null, 2));
    if (!name) setName(result.document.name);
    if (!description) setDescription(result.document.description);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    if (!check.ok) {
      setMessage("The plan JSON has problems; fix them first.");
      return;
    }
    const payload = { name, description, document: check.document };
    const result = await submit(() =>
      props.mode === "create"
        ? apiRequest<{ id: string; updatedAt?: string }>("POST", "/api/templates", payload)
        : apiRequest<{ id: string; updatedAt?: string }>("PATCH", `/api/templates/${props.templateId}`, { ...payload, expectedUpdatedAt: updatedAt }),
    );
    if (!result.ok) return;
    if (props.mode === "create") {
      router.push(`/templates/${result.data.id}`);
      return;
    }
    if (result.data.updatedAt) setUpdatedAt(result.data.updatedAt);
    setSaved(true);
    router.refresh();
  }

  const documentErrors = [
    ...(check.ok ? [] : check.errors),
    ...Object.entries(errors)
      .filter(([key]) => key === "document" || key.startsWith("document."))
      .flatMap(([key, messages]) => messages.map((m) => (key === "document" ? m : `${key.slice("document.".length)}: ${m}`))),
  ];

  return (
    <form onSubmit={save} noValidate className="grid gap-6 lg:grid-cols-5">
      <div className="space-y-4 lg:col-span-3">
        <FormError message={message} />
        <FormSuccess message={saved ? "Template saved." : null} />
        <Field label="Template name" error={errors.name}>
          {(a) => <TextInput {...a} value={name} onChange={(e) => setName(e.target.value)} placeholder="NetBackup rehost — our data center" />}
        </Field>
        <Field label="Template description" error={errors.description}>
          {(a) => <TextArea {...a} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Load a plan file" hint="A template (.json) or a run export: its plan replaces the JSON below.">
          {(a) => <input {...a} type="file" accept=".json,application/json" onChange={loadFile} className="block w-full text-sm file:mr-2 file:rounded file:border-0 file:bg-slate-200 file:px-2 file:py-1 dark:file:bg-slate-700" />}
        </Field>
        <Field
          label="Plan (runbook JSON)"
          error={documentErrors.length ? documentErrors.slice(0, 20) : undefined}
          hint='Format "runsheet.runbook", version 1: phases with steps; each step has a unique key, and predecessors list keys.'
        >
          {(a) => <TextArea {...a} rows={24} spellCheck={false} value={body} onChange={(e) => setBody(e.target.value)} className="font-mono text-xs leading-relaxed" />}
        </Field>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : props.mode === "create" ? "Create template" : "Save template"}
          </Button>
          <Button variant="secondary" onClick={() => router.push("/templates")}>
            {props.mode === "create" ? "Cancel" : "Back to the library"}
          </Button>
        </div>
      </div>
      <Card className="h-fit p-4 lg:col-span-2">
        <h2 className="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">Preview</h2>
        {summary ? <TemplateSummary summary={summary} /> : <p className="text-sm text-slate-600 dark:text-slate-400">The preview appears once the JSON is a valid runbook.</p>}
      </Card>
    </form>
  );
}
