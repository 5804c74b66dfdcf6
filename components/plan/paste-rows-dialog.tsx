"use client";
import { useMemo, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { formatMinutes } from "@/lib/platform/time";
import { formatPasteProblem, HEADERLESS_COLUMNS, readPastedSteps, type PasteUser } from "@/lib/plan/paste";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, Select, TextArea } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

interface Props {
  projectId: string;
  phases: { id: string; title: string; steps: { id: string; number: string; title: string }[] }[];
  users: readonly PasteUser[];
  initial: { phaseId: string; beforeStepId: string | null; text: string };
  onClose: () => void;
  /** After the server inserted the rows (the sheet refreshes, then closes the dialog). */
  onPasted: (count: number) => void;
}

/**
 * Rows copied from Excel, previewed through the import's parser as they are pasted, then inserted
 * into a phase at a position. The server reads the text again and writes all rows or none.
 */
export function PasteRowsDialog({ projectId, phases, users, initial, onClose, onPasted }: Props) {
  const [text, setText] = useState(initial.text);
  const [phaseId, setPhaseId] = useState(initial.phaseId);
  const [beforeStepId, setBeforeStepId] = useState<string>(initial.beforeStepId ?? "");
  const { errors, message, pending, submit } = useApiForm();
  const preview = useMemo(() => (text.trim() === "" ? null : readPastedSteps({ text, users, emailsCheckedLater: true })), [text, users]);
  const phase = phases.find((p) => p.id === phaseId) ?? phases[0];
  const serverRowErrors = Object.entries(errors)
    .filter(([key]) => key.startsWith("rows.") || key === "text")
    .flatMap(([, list]) => list);

  const ready = preview !== null && preview.errors.length === 0 && preview.steps.length > 0;
  async function insert(event: React.FormEvent) {
    event.preventDefault();
    if (!ready) return;
    const result = await submit(() => apiRequest<{ count: number }>("POST", `/api/projects/${projectId}/steps/paste`, { text, phaseId: phase.id, beforeStepId: beforeStepId || null }));
    if (result.ok) onPasted(result.data.count);
  }

  const count = preview?.steps.length ?? 0;
  return (
    <Dialog open onClose={onClose} title="Paste rows from Excel">
      <form onSubmit={insert} className="space-y-4" noValidate>
        <FormError message={message} />
        {serverRowErrors.length > 0 ? (
          <ul className="list-disc pl-5 text-sm text-rose-700 dark:text-rose-300" aria-label="Problems the server found">
            {serverRowErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        ) : null}
        <Field
          label="Rows copied from Excel"
          hint={`Select the rows in Excel, copy, and paste here. With a header row its column names are used; without one the columns are read as ${HEADERLESS_COLUMNS.join(", ")}. Owners are a user's full name or email.`}
        >
          {(a) => <TextArea {...a} rows={5} className="font-mono text-xs" value={text} onChange={(e) => setText(e.target.value)} autoFocus={initial.text === ""} />}
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Into phase" error={errors.phaseId}>
            {(a) => (
              <Select
                {...a}
                value={phase.id}
                onChange={(e) => {
                  setPhaseId(e.target.value);
                  setBeforeStepId("");
                }}
              >
                {phases.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Position" error={errors.beforeStepId}>
            {(a) => (
              <Select {...a} value={beforeStepId} onChange={(e) => setBeforeStepId(e.target.value)}>
                <option value="">At the end of the phase</option>
                {phase.steps.map((s) => (
                  <option key={s.id} value={s.id}>
                    Before {s.number} · {s.title}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        {preview && preview.errors.length > 0 ? (
          <div role="alert" className="rounded-md bg-rose-50 p-3 text-sm text-rose-800 ring-1 ring-rose-200 dark:bg-rose-950/50 dark:text-rose-200 dark:ring-rose-900">
            <p className="font-semibold">Nothing can be pasted until these are fixed:</p>
            <ul className="mt-1 list-disc pl-5" aria-label="Problems in the pasted rows">
              {preview.errors.map((e, i) => (
                <li key={i}>{formatPasteProblem(e)}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {preview && preview.steps.length > 0 ? (
          <div className="overflow-x-auto rounded-md ring-1 ring-slate-200 dark:ring-slate-800">
            <table className="w-full text-left text-xs">
              <caption className="sr-only">Rows to paste</caption>
              <thead className="uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-2 py-1">Row</th>
                  <th scope="col" className="px-2 py-1">Title</th>
                  <th scope="col" className="px-2 py-1">Team</th>
                  <th scope="col" className="px-2 py-1">Owner</th>
                  <th scope="col" className="px-2 py-1">Minutes</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {preview.steps.map((s) => (
                  <tr key={s.row}>
                    <td className="px-2 py-1 text-slate-500">{s.row}</td>
                    <td className="px-2 py-1 [overflow-wrap:anywhere]">{s.title}</td>
                    <td className="px-2 py-1">{s.team || "—"}</td>
                    <td className="px-2 py-1">{s.assigneeName ?? "—"}</td>
                    <td className="px-2 py-1">{s.estimated ? formatMinutes(s.plannedMinutes) : "not estimated"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {preview && preview.warnings.length > 0 ? (
          <ul className="list-disc pl-5 text-xs text-amber-800 dark:text-amber-300" aria-label="Warnings">
            {preview.warnings.map((w, i) => (
              <li key={i}>{formatPasteProblem(w)}</li>
            ))}
          </ul>
        ) : null}
        <DialogActions onCancel={onClose} confirmLabel={count > 0 ? `Insert ${count} row${count === 1 ? "" : "s"}` : "Insert rows"} pending={pending || !ready} pendingLabel={pending ? "Inserting…" : "Insert rows"} />
      </form>
    </Dialog>
  );
}
