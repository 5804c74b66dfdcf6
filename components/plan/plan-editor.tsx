"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import type { PlanStep, PlanView } from "@/lib/plan/queries";
import { StepDialog } from "./step-dialog";
import { Button } from "../ui/button";
import { StepDetails } from "./step-details";
import { Card, EmptyState } from "../ui/card";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, TextArea, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";
import { useRefreshThen } from "../ui/use-refresh-then";
import { PhaseHeading } from "./phase-heading";
import { PlanSheet } from "./plan-sheet";
import { PlannedTimes } from "./planned-times";

type Users = { id: string; name: string; email?: string }[];

/** Editors choose between the list and the sheet; the choice is kept in this browser. */
const VIEW_KEY = "runsheet.plan-view";


export function PlanEditor({ view, canEdit, users }: { view: PlanView; canEdit: boolean; users: Users }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [stepDialog, setStepDialog] = useState<{ mode: "create"; phaseId: string } | { mode: "edit"; step: PlanStep } | null>(null);
  const [phaseDialog, setPhaseDialog] = useState<{ mode: "create" } | { mode: "edit"; id: string; title: string; description: string } | null>(null);
  const [mode, setMode] = useState<"list" | "sheet">("list");
  useEffect(() => {
    if (canEdit && window.localStorage.getItem(VIEW_KEY) === "sheet") setMode("sheet");
  }, [canEdit]);
  const choose = (next: "list" | "sheet") => {
    setMode(next);
    window.localStorage.setItem(VIEW_KEY, next);
  };
  const sheet = canEdit && mode === "sheet";
  const allSteps = view.phases.flatMap((p) => p.steps);
  const numberOf = new Map(allSteps.map((s) => [s.id, s.number]));

  async function call(method: "POST" | "DELETE", url: string, body?: unknown, confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return;
    setError(null);
    const result = await apiRequest(method, url, body);
    if (!result.ok) return setError(result.error.message);
    router.refresh();
  }

  return (
    <section aria-labelledby="plan-heading">
      <div className="mb-3 flex items-center justify-between gap-3">
        <h2 id="plan-heading" className="text-lg font-bold">
          Runbook plan
        </h2>
        {canEdit ? (
          <div className="flex flex-wrap items-center gap-2">
            <div role="group" aria-label="Plan view" className="inline-flex rounded-md ring-1 ring-slate-300 dark:ring-slate-700">
              {(["list", "sheet"] as const).map((m) => (
                <button
                  key={m}
                  type="button"
                  aria-pressed={mode === m}
                  onClick={() => choose(m)}
                  className={`px-3 py-1.5 text-xs font-semibold first:rounded-l-md last:rounded-r-md ${mode === m ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-50 dark:text-slate-300 dark:hover:bg-slate-800"}`}
                >
                  {m === "list" ? "List" : "Sheet"}
                </button>
              ))}
            </div>
            <Button variant="secondary" onClick={() => setPhaseDialog({ mode: "create" })}>
              Add phase
            </Button>
          </div>
        ) : null}
      </div>
      <FormError message={error} />
      {view.phases.length === 0 ? (
        <EmptyState title="The plan is empty" action={canEdit ? <Button onClick={() => setPhaseDialog({ mode: "create" })}>Add the first phase</Button> : null}>
          {canEdit ? "Add a phase, then its steps." : "An admin hasn't written this plan yet."}
        </EmptyState>
      ) : null}
      {sheet ? <PlanSheet view={view} users={users} onEditStep={(step) => setStepDialog({ mode: "edit", step })} onAddStep={(phaseId) => setStepDialog({ mode: "create", phaseId })} /> : null}
      <div className={sheet ? "hidden" : "space-y-5"}>
        {sheet ? null : view.phases.map((phase, phaseIndex) => (
          <Card key={phase.id} aria-label={`Phase ${phase.title}`}>
            <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
              <PhaseHeading index={phaseIndex} phase={phase} />
              {canEdit ? (
                <div className="flex flex-wrap gap-1">
                  <Button size="sm" variant="ghost" aria-label={`Move phase ${phase.title} up`} disabled={phaseIndex === 0} onClick={() => call("POST", `/api/phases/${phase.id}/move`, { direction: "up" })}>
                    ↑
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Move phase ${phase.title} down`} disabled={phaseIndex === view.phases.length - 1} onClick={() => call("POST", `/api/phases/${phase.id}/move`, { direction: "down" })}>
                    ↓
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setPhaseDialog({ mode: "edit", id: phase.id, title: phase.title, description: phase.description })}>
                    Rename
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => call("DELETE", `/api/phases/${phase.id}`, undefined, `Delete the phase "${phase.title}" and its ${phase.steps.length} steps?`)}>
                    Delete
                  </Button>
                  <Button size="sm" onClick={() => setStepDialog({ mode: "create", phaseId: phase.id })}>
                    Add step
                  </Button>
                </div>
              ) : null}
            </div>
            {phase.steps.length === 0 ? <p className="px-4 py-4 text-sm text-slate-500">No steps in this phase yet.</p> : null}
            <ol className="divide-y divide-slate-100 dark:divide-slate-800">
              {phase.steps.map((step, stepIndex) => (
                <li key={step.id} id={`step-${step.id}`} className="scroll-mt-20 px-4 py-3">
                  <StepDetails
                    number={step.number}
                    step={step}
                    meta={
                      <>
                        {step.assigneeName ? <span>· {step.assigneeName}</span> : null}
                        {step.predecessorIds.length ? <span>· after {step.predecessorIds.map((id) => numberOf.get(id)).join(", ")}</span> : null}
                        <PlannedTimes step={step} timeZone={view.project.timezone} numberOf={numberOf} />
                      </>
                    }
                    actions={
                      canEdit ? (
                        <span className="ml-11 flex gap-1 sm:ml-0" onClick={(e) => e.preventDefault()}>
                          <Button size="sm" variant="ghost" aria-label={`Move step ${step.number} up`} disabled={stepIndex === 0} onClick={() => call("POST", `/api/steps/${step.id}/move`, { direction: "up" })}>
                            ↑
                          </Button>
                          <Button size="sm" variant="ghost" aria-label={`Move step ${step.number} down`} disabled={stepIndex === phase.steps.length - 1} onClick={() => call("POST", `/api/steps/${step.id}/move`, { direction: "down" })}>
                            ↓
                          </Button>
                          <Button size="sm" variant="secondary" aria-label={`Edit step ${step.number}`} onClick={() => setStepDialog({ mode: "edit", step })}>
                            Edit
                          </Button>
                          <Button size="sm" variant="ghost" aria-label={`Delete step ${step.number}`} onClick={() => call("DELETE", `/api/steps/${step.id}`, undefined, `Delete step ${step.number} "${step.title}"?`)}>
                            Delete
                          </Button>
                        </span>
                      ) : null
                    }
                  />
                </li>
              ))}
            </ol>
          </Card>
        ))}
      </div>

      {stepDialog ? (
        <StepDialog
          projectId={view.project.id}
          phases={view.phases.map((p) => ({ id: p.id, title: p.title }))}
          steps={allSteps}
          users={users}
          initial={stepDialog.mode === "edit" ? stepDialog.step : null}
          phaseId={stepDialog.mode === "create" ? stepDialog.phaseId : stepDialog.step.phaseId}
          onClose={() => setStepDialog(null)}
        />
      ) : null}
      {phaseDialog ? <PhaseDialog projectId={view.project.id} state={phaseDialog} onClose={() => setPhaseDialog(null)} /> : null}
    </section>
  );
}

function PhaseDialog({ projectId, state, onClose }: { projectId: string; state: { mode: "create" } | { mode: "edit"; id: string; title: string; description: string }; onClose: () => void }) {
  const { refreshing, refreshThen } = useRefreshThen();
  const [title, setTitle] = useState(state.mode === "edit" ? state.title : "");
  const [description, setDescription] = useState(state.mode === "edit" ? state.description : "");
  const { errors, message, pending, submit } = useApiForm();
  async function save(event: React.FormEvent) {
    event.preventDefault();
    const result = await submit(() =>
      state.mode === "create" ? apiRequest("POST", `/api/projects/${projectId}/phases`, { title, description }) : apiRequest("PATCH", `/api/phases/${state.id}`, { title, description }),
    );
    if (!result.ok) return;
    refreshThen(onClose);
  }
  return (
    <Dialog open onClose={onClose} title={state.mode === "create" ? "Add phase" : "Rename phase"}>
      <form onSubmit={save} className="space-y-4" noValidate>
        <FormError message={message} />
        <Field label="Phase title" error={errors.title}>{(a) => <TextInput {...a} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />}</Field>
        <Field label="Description" error={errors.description}>{(a) => <TextArea {...a} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <DialogActions onCancel={onClose} confirmLabel="Save phase" pending={pending || refreshing} />
      </form>
    </Dialog>
  );
}
