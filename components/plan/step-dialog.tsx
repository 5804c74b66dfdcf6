"use client";
import { useMemo, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import type { PlanStep } from "@/lib/plan/queries";
import { FLEET_ACTION_LABELS, FLEET_ACTIONS, KIND_LABELS, STEP_KINDS, type FleetActionName, type StepKindName } from "@/lib/runs/model";
import { approverLabel, MAX_GATE_APPROVERS, MAX_REQUIRED_FIELDS, NO_GO_OUTCOME_LABELS, NO_GO_OUTCOMES, type GateApprover, type NoGoOutcomeName } from "@/lib/plan/model";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, Select, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { useRefreshThen } from "../ui/use-refresh-then";
import { TeamPicker } from "../teams/team-picker";

interface Props {
  projectId: string;
  phases: { id: string; title: string }[];
  steps: PlanStep[];
  /** The people who can act on steps in this project (lib/projects/assignees.ts): the only ones offered. */
  users: { id: string; name: string; role?: string }[];
  initial: PlanStep | null;
  phaseId: string;
  onClose: () => void;
}

export function StepDialog({ projectId, phases, steps, users, initial, phaseId, onClose }: Props) {
  const { refreshing, refreshThen } = useRefreshThen();
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
    noGoOutcome: (initial?.noGoOutcome ?? "ROLLBACK") as NoGoOutcomeName,
    gateApprovers: initial?.gateApprovers ?? ([] as GateApprover[]),
    fourEyes: initial?.fourEyes ?? false,
    requiredFields: (initial?.requiredFields ?? []) as { label: string; type: "text" | "number" | "choice"; options?: string[] }[],
    notBefore: initial?.notBefore ?? "",
    /** Lag minutes by predecessor id, as typed ("" = none). */
    lags: Object.fromEntries(Object.entries(initial?.predecessorLags ?? {}).map(([id, m]) => [id, String(m)])) as Record<string, string>,
  });
  const [newField, setNewField] = useState({ label: "", type: "text" as "text" | "number" | "choice", options: "" });
  const [approverChoice, setApproverChoice] = useState("");
  const [filter, setFilter] = useState("");
  const { errors, message, pending, submit } = useApiForm();
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const candidates = steps.filter((s) => s.id !== initial?.id && `${s.number} ${s.title}`.toLowerCase().includes(filter.toLowerCase()));

  async function save(event: React.FormEvent) {
    event.preventDefault();
    const minutes = form.plannedMinutes.trim() === "" ? Number.NaN : Number(form.plannedMinutes);
    const { lags, ...rest } = form;
    // Lags of the ticked predecessors only; a value that isn't a number goes as typed, so the server names the problem.
    const predecessorLags = Object.fromEntries(
      form.predecessorIds.flatMap((id) => {
        const typed = (lags[id] ?? "").trim();
        return typed === "" ? [] : [[id, Number.isFinite(Number(typed)) ? Number(typed) : typed]];
      }),
    );
    const body = {
      ...rest,
      notBefore: form.notBefore.trim(),
      predecessorLags,
      assigneeId: form.assigneeId || null,
      fleetAction: form.isFleet ? form.fleetAction : null,
      // Gate settings go only with a gate; the server refuses them on other steps.
      noGoOutcome: form.kind === "GATE" ? form.noGoOutcome : "ROLLBACK",
      gateApprovers: form.kind === "GATE" ? form.gateApprovers.map((a) => (a.kind === "role" ? a : { kind: "user" as const, userId: a.userId })) : [],
      fourEyes: form.kind === "GATE" && form.fourEyes,
      requiredFields: (form.kind === "GATE" ? [] : form.requiredFields).map((f) => ({ label: f.label, type: f.type, ...(f.type === "choice" ? { options: f.options ?? [] } : {}) })),
      plannedMinutes: Number.isFinite(minutes) ? minutes : form.plannedMinutes,
      ...(initial ? { expectedVersion: initial.version } : {}),
    };
    const result = await submit(() => (initial ? apiRequest("PATCH", `/api/steps/${initial.id}`, body) : apiRequest("POST", `/api/projects/${projectId}/steps`, body)));
    if (!result.ok) return;
    refreshThen(onClose);
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
          <Field label="Not before (time of day)" error={errors.notBefore} hint="Optional, e.g. 22:00 after the last backup job: the step waits for that time on the project's clock.">
            {(a) => <TextInput {...a} inputMode="numeric" placeholder="HH:MM" value={form.notBefore} onChange={(e) => set("notBefore", e.target.value)} />}
          </Field>
          <div className="sm:col-span-2">
            <TeamPicker label="Owning teams" value={form.team} onChange={(text) => set("team", text)} error={errors.team} />
          </div>
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
        {/* A gate is decided, not signed off: it records a note, not values. */}
        {form.kind !== "GATE" ? (
        <fieldset className="min-w-0 space-y-2 rounded-lg p-3 ring-1 ring-slate-200 dark:ring-slate-800">
          <legend className="px-1 text-sm font-semibold">Values to record at sign-off</legend>
          {form.requiredFields.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">None. Add one when Done needs a fact on record, such as the media ID of a backup.</p>
          ) : (
            <ul className="space-y-1" aria-label="Values to record at sign-off">
              {form.requiredFields.map((f, i) => (
                <li key={`${i}-${f.label}`} className="flex items-center justify-between gap-2 rounded bg-slate-50 px-2 py-1 text-sm dark:bg-slate-800">
                  <span className="min-w-0 [overflow-wrap:anywhere]">
                    {f.label} <span className="text-xs text-slate-500">({f.type === "choice" ? `one of ${(f.options ?? []).join(", ")}` : f.type})</span>
                  </span>
                  <button type="button" className="min-h-9 rounded px-2 text-xs underline" aria-label={`Remove value: ${f.label}`} onClick={() => set("requiredFields", form.requiredFields.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
          <FormError message={errors.requiredFields?.join(" ") ?? null} />
          {form.requiredFields.length < MAX_REQUIRED_FIELDS ? (
            <div className="grid gap-2 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-end">
              <Field label="New value's label">{(a) => <TextInput {...a} value={newField.label} onChange={(e) => setNewField({ ...newField, label: e.target.value })} placeholder="Media ID of the catalog backup" />}</Field>
              <Field label="Kind">
                {(a) => (
                  <Select {...a} value={newField.type} onChange={(e) => setNewField({ ...newField, type: e.target.value as "text" | "number" | "choice" })}>
                    <option value="text">Text</option>
                    <option value="number">Number</option>
                    <option value="choice">Choice</option>
                  </Select>
                )}
              </Field>
              <button
                type="button"
                className="min-h-10 rounded-md px-3 text-sm font-semibold ring-1 ring-slate-300 disabled:opacity-50 dark:ring-slate-700"
                disabled={!newField.label.trim() || (newField.type === "choice" && newField.options.split(",").filter((o) => o.trim()).length < 2)}
                onClick={() => {
                  const options = newField.options.split(",").map((o) => o.trim()).filter(Boolean);
                  set("requiredFields", [...form.requiredFields, { label: newField.label.trim(), type: newField.type, ...(newField.type === "choice" ? { options } : {}) }]);
                  setNewField({ label: "", type: "text", options: "" });
                }}
              >
                Add value
              </button>
              {newField.type === "choice" ? (
                <Field label="Choices (comma-separated, at least two)" className="sm:col-span-3">
                  {(a) => <TextInput {...a} value={newField.options} onChange={(e) => setNewField({ ...newField, options: e.target.value })} placeholder="OK, Not OK" />}
                </Field>
              ) : null}
            </div>
          ) : null}
        </fieldset>
        ) : null}
        {form.kind === "GATE" ? (
          <fieldset className="min-w-0 space-y-3 rounded-lg p-3 ring-1 ring-slate-200 dark:ring-slate-800">
            <legend className="px-1 text-sm font-semibold">Go/No-Go settings</legend>
            <Field label="A No-Go means" error={errors.noGoOutcome} hint="Abort fits a gate before anything has changed: there is nothing to roll back.">
              {(a) => (
                <Select {...a} value={form.noGoOutcome} onChange={(e) => set("noGoOutcome", e.target.value as NoGoOutcomeName)}>
                  {NO_GO_OUTCOMES.map((o) => (
                    <option key={o} value={o}>
                      {NO_GO_OUTCOME_LABELS[o]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <div>
              <p className="text-sm font-medium">Approvals a Go needs</p>
              {form.gateApprovers.length === 0 ? (
                <p className="text-sm text-slate-600 dark:text-slate-400">One decision, by an admin or the assignee.</p>
              ) : (
                <ul className="mt-1 space-y-1" aria-label="Approvals a Go needs">
                  {form.gateApprovers.map((approver, i) => (
                    <li key={`${i}-${approverLabel(approver)}`} className="flex items-center justify-between gap-2 rounded bg-slate-50 px-2 py-1 text-sm dark:bg-slate-800">
                      <span>{approverLabel(approver)}</span>
                      <button type="button" className="min-h-9 rounded px-2 text-xs underline" onClick={() => set("gateApprovers", form.gateApprovers.filter((_, j) => j !== i))} aria-label={`Remove approval: ${approverLabel(approver)}`}>
                        Remove
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {form.gateApprovers.length < MAX_GATE_APPROVERS ? (
                <div className="mt-2 flex flex-wrap items-end gap-2">
                  <Field label="Add an approval" error={errors.gateApprovers} className="min-w-0 flex-1">
                    {(a) => (
                      <Select {...a} value={approverChoice} onChange={(e) => setApproverChoice(e.target.value)}>
                        <option value="">Choose a role or a person…</option>
                        <option value="role:ADMIN">An admin</option>
                        <option value="role:OPERATOR">An operator</option>
                        {users
                          // Viewers can't decide a gate, so they can't be one of its approvers.
                          .filter((u) => u.role !== "VIEWER" && !form.gateApprovers.some((g) => g.kind === "user" && g.userId === u.id))
                          .map((u) => (
                            <option key={u.id} value={`user:${u.id}`}>
                              {u.name}
                            </option>
                          ))}
                      </Select>
                    )}
                  </Field>
                  <button
                    type="button"
                    className="min-h-10 rounded-md px-3 text-sm font-semibold ring-1 ring-slate-300 disabled:opacity-50 dark:ring-slate-700"
                    disabled={!approverChoice}
                    onClick={() => {
                      const [kind, value] = approverChoice.split(":");
                      const approver: GateApprover =
                        kind === "role" ? { kind: "role", role: value as "ADMIN" | "OPERATOR" } : { kind: "user", userId: value, name: users.find((u) => u.id === value)?.name ?? value };
                      set("gateApprovers", [...form.gateApprovers, approver]);
                      setApproverChoice("");
                    }}
                  >
                    Add
                  </button>
                </div>
              ) : null}
            </div>
            <label className="flex min-h-11 items-center gap-2 text-sm">
              <input type="checkbox" checked={form.fourEyes} onChange={(e) => set("fourEyes", e.target.checked)} className="h-4 w-4" />
              Four-eyes: the people who did the gated steps can&apos;t approve alone
            </label>
          </fieldset>
        ) : null}
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
          {form.predecessorIds.length > 0 ? (
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {form.predecessorIds.map((id) => {
                const pred = steps.find((s) => s.id === id);
                return (
                  <Field key={id} label={`Lag after ${pred?.number ?? "?"} (minutes, optional)`} error={errors[`predecessorLags.${id}`]}>
                    {(a) => <TextInput {...a} inputMode="numeric" placeholder="0" value={form.lags[id] ?? ""} onChange={(e) => set("lags", { ...form.lags, [id]: e.target.value })} />}
                  </Field>
                );
              })}
            </div>
          ) : null}
          {errors.predecessorLags ? (
            <p role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
              {errors.predecessorLags.join(" ")}
            </p>
          ) : null}
          {errors.predecessorIds ? (
            <p role="alert" className="mt-1 text-sm text-rose-600 dark:text-rose-400">
              {errors.predecessorIds.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <DialogActions onCancel={onClose} confirmLabel="Save step" pending={pending || refreshing} />
      </form>
    </Dialog>
  );
}
