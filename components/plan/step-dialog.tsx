"use client";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import type { PlanStep } from "@/lib/plan/queries";
import { FLEET_ACTION_LABELS, FLEET_ACTIONS, KIND_LABELS, STEP_KINDS, type FleetActionName, type StepKindName } from "@/lib/runs/model";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, Select, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

interface Props {
  projectId: string;
  phases: { id: string; title: string }[];
  steps: PlanStep[];
  users: { id: string; name: string }[];
  initial: PlanStep | null;
  phaseId: string;
  onClose: () => void;
}

export function StepDialog({ projectId, phases, steps, users, initial, phaseId, onClose }: Props) {
  const router = useRouter();
  // A new step follows the last step of its phase by default: runbooks are mostly sequential.
  const defaultPredecessor = useMemo(() => {
    const inPhase = steps.filter((s) => s.phaseId === phaseId && s.kind !== "ROLLBACK");
    return inPhase.length ? [inPhase[inPhase.length - 1].id] : [];
  }, [steps, phaseId]);
  const [form, setForm] = useState({
    phaseId,
    title: initial?.title ?? "",
    details: initial?.details ?? "",
    commands: initial?.commands ?? "",
    verification: initial?.verification ?? "",
    team: initial?.team ?? "",
    assigneeId: initial?.assigneeId ?? "",
    plannedMinutes: String(initial?.plannedMinutes ?? 15),
    kind: (initial?.kind ?? "TASK") as StepKindName,
    isFleet: initial?.isFleet ?? false,
    fleetAction: (initial?.fleetAction ?? "GENERIC") as FleetActionName,
    predecessorIds: initial?.predecessorIds ?? defaultPredecessor,
  });
  const [filter, setFilter] = useState("");
  const { errors, message, pending, submit } = useApiForm();
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const candidates = steps.filter((s) => s.id !== initial?.id && `${s.number} ${s.title}`.toLowerCase().includes(filter.toLowerCase()));

  async function save(event: React.FormEvent) {
    event.preventDefault();
    const minutes = form.plannedMinutes.trim() === "" ? Number.NaN : Number(form.plannedMinutes);
    const body = {
      ...form,
      assigneeId: form.assigneeId || null,
      fleetAction: form.isFleet ? form.fleetAction : null,
      plannedMinutes: Number.isFinite(minutes) ? minutes : form.plannedMinutes,
      ...(initial ? { expectedVersion: initial.version } : {}),
    };
    const result = await submit(() => (initial ? apiRequest("PATCH", `/api/steps/${initial.id}`, body) : apiRequest("POST", `/api/projects/${projectId}/steps`, body)));
    if (!result.ok) return;
    onClose();
    router.refresh();
  }

  return (
    <Dialog open onClose={onClose} title={initial ? `Edit step ${initial.number}` : "Add step"}>
      <form onSubmit={save} className="space-y-4" noValidate>
        <FormError message={message} />
        <Field label="Title" error={errors.title}>{(a) => <TextInput {...a} value={form.title} onChange={(e) => set("title", e.target.value)} autoFocus />}</Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Phase" error={errors.phaseId}>
            {(a) => (
              <Select {...a} value={form.phaseId} onChange={(e) => set("phaseId", e.target.value)}>
                {phases.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Kind" error={errors.kind}>
            {(a) => (
              <Select {...a} value={form.kind} onChange={(e) => set("kind", e.target.value as StepKindName)}>
                {STEP_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Planned minutes" error={errors.plannedMinutes}>
            {(a) => <TextInput {...a} inputMode="numeric" value={form.plannedMinutes} onChange={(e) => set("plannedMinutes", e.target.value)} />}
          </Field>
          <Field label="Owning team" error={errors.team} hint="BA, OS, ST, NW, DC, PM…">
            {(a) => <TextInput {...a} value={form.team} onChange={(e) => set("team", e.target.value)} />}
          </Field>
          <Field label="Assignee" error={errors.assigneeId} className="sm:col-span-2">
            {(a) => (
              <Select {...a} value={form.assigneeId} onChange={(e) => set("assigneeId", e.target.value)}>
                <option value="">Unassigned</option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>
        <Field label="Details (Markdown)" error={errors.details}>{(a) => <TextArea {...a} rows={3} value={form.details} onChange={(e) => set("details", e.target.value)} />}</Field>
        <Field label="Commands" error={errors.commands} hint="One per line; shown as copyable code.">
          {(a) => <TextArea {...a} rows={3} className="font-mono" value={form.commands} onChange={(e) => set("commands", e.target.value)} />}
        </Field>
        <Field label="Verification" error={errors.verification}>{(a) => <TextInput {...a} value={form.verification} onChange={(e) => set("verification", e.target.value)} />}</Field>
        <div className="grid gap-3 sm:grid-cols-2 sm:items-end">
          <label className="flex min-h-11 items-center gap-2 text-sm">
            <input type="checkbox" checked={form.isFleet} onChange={(e) => set("isFleet", e.target.checked)} className="h-4 w-4" />
            Fleet step (tracked per client)
          </label>
          {form.isFleet ? (
            <Field label="Each client needs" error={errors.fleetAction} hint="Decides the lines and commands the run's fleet panel offers.">
              {(a) => (
                <Select {...a} value={form.fleetAction} onChange={(e) => set("fleetAction", e.target.value as FleetActionName)}>
                  {FLEET_ACTIONS.map((action) => (
                    <option key={action} value={action}>
                      {FLEET_ACTION_LABELS[action]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ) : null}
        </div>
        {/* A fieldset is min-content wide by default: long step titles would push it off a phone. */}
        <fieldset className="min-w-0">
          <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Predecessors</legend>
          <TextInput aria-label="Filter steps" placeholder="Filter steps…" value={filter} onChange={(e) => setFilter(e.target.value)} className="mt-1" />
          <div className="mt-2 max-h-48 overflow-y-auto rounded-md ring-1 ring-slate-200 dark:ring-slate-800">
            {candidates.map((s) => (
              <label key={s.id} className="flex items-center gap-2 px-3 py-1.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-800">
                <input
                  type="checkbox"
                  checked={form.predecessorIds.includes(s.id)}
                  onChange={(e) => set("predecessorIds", e.target.checked ? [...form.predecessorIds, s.id] : form.predecessorIds.filter((id) => id !== s.id))}
                />
                <span className="w-8 text-right font-mono text-xs text-slate-500">{s.number}</span>
                <span className="truncate">{s.title}</span>
              </label>
            ))}
          </div>
          {errors.predecessorIds ? (
            <p role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
              {errors.predecessorIds.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <DialogActions onCancel={onClose} confirmLabel="Save step" pending={pending} />
      </form>
    </Dialog>
  );
}
