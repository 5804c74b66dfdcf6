"use client";
import { useEffect, useState, type FormEvent } from "react";
import { apiRequest, getJson } from "@/lib/platform/http/api-client";
import { Button, ButtonLink } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, Select, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

interface SavedTemplate {
  id: string;
  builtIn: boolean;
  name: string;
  description: string;
}

/**
 * "Save as template" on the project page (admins): the current plan becomes a saved template —
 * a new one, or it replaces the plan of an existing saved template (shape a plan in a project,
 * then save it back). Step keys come from the step numbers, predecessors are kept, assignees
 * are left out.
 */
export function SaveAsTemplateButton({ projectId, projectName }: { projectId: string; projectName: string }) {
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<"new" | "replace">("new");
  const [saved, setSaved] = useState<SavedTemplate[]>([]);
  const [replaceId, setReplaceId] = useState("");
  const [name, setName] = useState(`${projectName} (template)`.slice(0, 200));
  const [description, setDescription] = useState("");
  const { errors, message, pending, submit, setErrors, setMessage } = useApiForm();
  const [savedId, setSavedId] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    getJson<{ templates: SavedTemplate[] }>("/api/templates", { signal: controller.signal }).then((result) => {
      // Without the list (an error, or aborted) only "a new template" is offered.
      if (result.ok) setSaved(result.data.templates.filter((t) => !t.builtIn));
    });
    return () => controller.abort();
  }, [open]);

  function chooseReplace(id: string) {
    setReplaceId(id);
    const template = saved.find((t) => t.id === id);
    if (template) {
      setName(template.name);
      setDescription(template.description);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (mode === "replace" && !replaceId) {
      setErrors({ replaceTemplateId: ["Choose the template to replace."] });
      return;
    }
    const result = await submit(() =>
      apiRequest<{ id: string }>("POST", `/api/projects/${projectId}/save-as-template`, {
        name,
        description,
        ...(mode === "replace" ? { replaceTemplateId: replaceId } : {}),
      }),
    );
    if (result.ok) setSavedId(result.data.id);
  }

  function close() {
    setOpen(false);
    setSavedId(null);
    setMessage(null);
    setErrors({});
  }

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Save as template
      </Button>
      <Dialog open={open} onClose={close} title="Save the plan as a template">
        {savedId ? (
          <div className="space-y-4">
            <p role="status" className="text-sm">
              Saved. New projects can start from &ldquo;{name}&rdquo;.
            </p>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={close}>
                Close
              </Button>
              <ButtonLink href={`/templates/${savedId}`}>Open the template</ButtonLink>
            </div>
          </div>
        ) : (
          <form onSubmit={save} className="space-y-4" noValidate>
            <p className="text-sm text-slate-600 dark:text-slate-400">Phases, steps, commands, checks, minutes and predecessors are copied. Assignees and run history are not.</p>
            <FormError message={message} />
            {saved.length > 0 ? (
              <fieldset className="space-y-1.5 text-sm">
                <legend className="font-medium text-slate-700 dark:text-slate-300">Save to</legend>
                <label className="flex items-center gap-2">
                  <input type="radio" name="save-mode" checked={mode === "new"} onChange={() => setMode("new")} />a new template
                </label>
                <label className="flex items-center gap-2">
                  <input type="radio" name="save-mode" checked={mode === "replace"} onChange={() => setMode("replace")} />
                  an existing template, replacing its plan
                </label>
              </fieldset>
            ) : null}
            {mode === "replace" ? (
              <Field label="Template to replace" error={errors.replaceTemplateId}>
                {(a) => (
                  <Select {...a} value={replaceId} onChange={(e) => chooseReplace(e.target.value)}>
                    <option value="">Choose…</option>
                    {saved.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            ) : null}
            <Field label="Template name" error={errors.name}>
              {(a) => <TextInput {...a} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
            </Field>
            <Field label="Template description" error={errors.description}>
              {(a) => <TextArea {...a} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}
            </Field>
            <DialogActions onCancel={close} confirmLabel={mode === "replace" ? "Replace the plan" : "Save template"} pending={pending} />
          </form>
        )}
      </Dialog>
    </>
  );
}
