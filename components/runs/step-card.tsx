"use client";
import { forwardRef, memo, useState } from "react";
import type { RunBoardStep } from "@/lib/runs/queries";
import { KIND_LABELS } from "@/lib/runs/model";
import { formatDuration, formatMinutes } from "@/lib/platform/time";
import { Button } from "../ui/button";
import { StepInstructions } from "../plan/step-instructions";
import { Pill, StatusBadge } from "../ui/status-badge";
import { ZonedTime } from "../ui/zoned-time";
import { kindTone } from "../plan/step-badges";
import { plannedRange } from "../plan/planned-times";
import { EvidenceList } from "./evidence-list";
import { GateFacts } from "./gate-facts";
import type { QueuedStepAction } from "./offline-queue";
import { FleetPanel, type FleetQueueProps } from "../fleet/fleet-panel";

export interface StepCardActions {
  start: (step: RunBoardStep) => void;
  done: (step: RunBoardStep, note: string, fields: Record<string, string>) => void;
  openReason: (step: RunBoardStep, action: "skip" | "fail") => void;
  openGate: (step: RunBoardStep) => void;
  openUndo: (step: RunBoardStep) => void;
}

export interface StepCardProps {
  step: RunBoardStep;
  now: number;
  timeZone: string;
  blocked: string | null;
  critical: boolean;
  mine: boolean;
  focused: boolean;
  busy: boolean;
  message: string | null;
  queued: QueuedStepAction[];
  canOperate: boolean;
  canUndo: boolean;
  canDecide: boolean;
  runActive: boolean;
  runId: string;
  actions: StepCardActions;
  /** Called with this card's step id when it takes focus (one stable callback for every card). */
  onFocusStep: (stepId: string) => void;
  defaultOpen?: boolean;
  /** The board is being printed: render the instructions of collapsed cards too. */
  printing?: boolean;
  /** Set on the card in its phase (not the "Now" copy): a fleet step shows its per-client panel. */
  fleet?: { runId: string; refreshKey: number | null } & FleetQueueProps;
}

const ACTION_RESULT = { start: "IN_PROGRESS", done: "DONE", skip: "SKIPPED", fail: "FAILED" } as const;

const StepCardView = forwardRef<HTMLElement, StepCardProps>(function StepCard(props, ref) {
  const { step, now, timeZone, blocked, critical, mine, focused, busy, message, queued, canOperate, canUndo, canDecide, runActive, runId, actions } = props;
  const [note, setNote] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [showNote, setShowNote] = useState(false);
  // Instructions (markdown, commands) are rendered once opened (or for printing): for 300
  // collapsed cards they were most of the page's server render, its HTML and every live
  // refresh's client render.
  const [detailsOpen, setDetailsOpen] = useState(Boolean(props.defaultOpen));
  const elapsedMs = step.startedAt ? (step.finishedAt ? Date.parse(step.finishedAt) : now) - Date.parse(step.startedAt) : null;
  const over = elapsedMs !== null && elapsedMs > step.plannedMinutes * 60_000;
  const open = step.status === "PENDING" || step.status === "IN_PROGRESS" || step.status === "FAILED";
  // Late against the plan's clock (this run's window start + the step's planned start or finish):
  // a pending step whose planned start has passed, a running one past its planned finish.
  const lateFrom = step.status === "PENDING" ? step.plannedStart : step.status === "IN_PROGRESS" ? step.plannedFinish : null;
  const lateMinutes = runActive && lateFrom ? Math.floor((now - Date.parse(lateFrom)) / 60_000) : 0;
  const isGate = step.kind === "GATE";
  const queuedLast = queued[queued.length - 1];
  // The step as it will be once its queued actions are sent: after a queued Start, Done (or Skip,
  // Fail) can be queued behind it; after a queued close, nothing more.
  const projected = queued.reduce<RunBoardStep["status"]>((_status, q) => ACTION_RESULT[q.action], step.status);
  const startQueued = queued.length > 0 && projected === "IN_PROGRESS";
  const canAct = runActive && step.tracked && canOperate && (queued.length === 0 || startQueued);

  return (
    <article
      ref={ref}
      tabIndex={-1}
      onFocus={() => props.onFocusStep(step.id)}
      aria-label={`Step ${step.number}: ${step.title}`}
      id={`step-${step.id}`}
      data-step-id={step.id}
      data-status={step.status}
      className={`print-break-inside-avoid rounded-xl bg-white p-4 shadow-sm ring-1 outline-none transition dark:bg-slate-900 ${
        focused ? "ring-2 ring-indigo-500" : critical && open ? "ring-violet-300 dark:ring-violet-800" : "ring-slate-200 dark:ring-slate-800"
      } ${step.status === "IN_PROGRESS" ? "border-l-4 border-l-sky-500" : ""}`}
    >
      <div className="flex items-start gap-3">
        <span className="w-9 shrink-0 pt-0.5 text-right font-mono text-base font-bold text-slate-500 dark:text-slate-400">{step.number}</span>
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <h3 className="min-w-0 font-semibold leading-snug break-words">{step.title}</h3>
            <div className="flex flex-wrap items-center gap-1.5">
              {queuedLast ? <Pill tone="amber">{queuedLast.action} queued (offline)</Pill> : null}
              <StatusBadge
                status={isGate && step.gateDecision === "NO_GO" ? "FAILED" : step.status}
                label={isGate && step.gateDecision ? (step.gateDecision === "GO" ? "Go" : "No-Go") : !runActive && step.status === "PENDING" ? "Not run" : undefined}
              />
            </div>
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
            {step.kind !== "TASK" ? <Pill tone={kindTone[step.kind]}>{KIND_LABELS[step.kind]}</Pill> : null}
            {critical && open && runActive ? <Pill tone="violet">Critical path</Pill> : null}
            {step.isFleet ? <Pill tone="sky">Fleet</Pill> : null}
            {step.team ? <Pill>{step.team}</Pill> : null}
            <span>
              {step.assigneeName ?? "Unassigned"}
              {mine ? " (you)" : ""}
            </span>
            <span>· planned {formatMinutes(step.plannedMinutes)}</span>
            {step.plannedStart && step.plannedFinish ? <span>· planned {plannedRange({ start: step.plannedStart, finish: step.plannedFinish }, timeZone)}</span> : null}
            {step.notBefore ? <span>· ⏱ not before {step.notBefore}</span> : null}
            {lateMinutes >= 1 ? (
              <span className="font-semibold text-rose-600 dark:text-rose-400" title={step.status === "PENDING" ? "Its planned start has passed." : "Its planned finish has passed."}>
                · late by {formatMinutes(lateMinutes)}
              </span>
            ) : null}
            {elapsedMs !== null ? (
              <span className={over ? "font-semibold text-rose-600 dark:text-rose-400" : ""}>
                · {step.finishedAt ? "took" : "elapsed"} <span className="font-mono tabular-nums">{formatDuration(elapsedMs)}</span>
                {over ? ` (+${formatMinutes(elapsedMs / 60_000 - step.plannedMinutes)})` : ""}
              </span>
            ) : null}
          </div>
          {step.startedAt || step.finishedAt ? (
            <div className="mt-1 text-xs text-slate-600 dark:text-slate-400">
              {step.startedAt ? (
                <span>
                  Started <ZonedTime value={step.startedAt} timeZone={timeZone} style="time" />
                  {step.startedBy ? ` by ${step.startedBy}` : ""}
                </span>
              ) : null}
              {step.finishedAt ? (
                <span>
                  {" "}
                  · {step.status === "DONE" ? (isGate ? "Decided" : "Signed off") : step.status === "SKIPPED" ? "Skipped" : "Failed"} <ZonedTime value={step.finishedAt} timeZone={timeZone} style="time" />
                  {step.signedOffBy ? ` by ${step.signedOffBy}` : ""}
                </span>
              ) : null}
            </div>
          ) : null}
          {step.reason ? <p className="mt-2 rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">Reason: {step.reason}</p> : null}
          {step.fleetLine ? (
            <p className={`mt-2 rounded px-2 py-1 text-sm [overflow-wrap:anywhere] ${step.fleetLine.includes("exception") ? "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100" : "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"}`}>
              Clients: {step.fleetLine}
            </p>
          ) : null}
          {step.note ? <p className="mt-2 rounded bg-slate-50 px-2 py-1 text-sm dark:bg-slate-800">Note: {step.note}</p> : null}
          {step.requiredFields.some((f) => step.fieldValues[f.key]) ? (
            <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 rounded bg-slate-50 px-2 py-1 text-sm dark:bg-slate-800" aria-label={`Values recorded for step ${step.number}`}>
              {step.requiredFields
                .filter((f) => step.fieldValues[f.key])
                .map((f) => (
                  <div key={f.key} className="contents">
                    <dt className="text-slate-600 dark:text-slate-400">{f.label}</dt>
                    <dd className="font-medium [overflow-wrap:anywhere]">{step.fieldValues[f.key]}</dd>
                  </div>
                ))}
            </dl>
          ) : null}
          {/* Evidence goes with work that has started: the running step, or its sign-off. */}
          {step.tracked && (step.evidence.length > 0 || (runActive && canOperate && !isGate && step.status !== "PENDING")) ? (
            <EvidenceList runId={runId} step={step} canAttach={runActive && canOperate && !isGate && step.status !== "PENDING"} />
          ) : null}
          {blocked && open && runActive ? <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
              <span className="font-semibold">Blocked:</span> {blocked}
            </p> : null}
          {message ? (
            <p role="alert" className="mt-2 rounded bg-rose-50 px-2 py-1 text-sm font-medium text-rose-800 dark:bg-rose-950 dark:text-rose-200">
              {message}
            </p>
          ) : null}

          {isGate && step.gate && open && (step.gate.approvers.length > 0 || step.gate.held || step.gate.noGoOutcome !== "ROLLBACK") ? (
            <div className="mt-2">
              <GateFacts gate={step.gate} />
            </div>
          ) : null}
          {canAct && (!blocked || startQueued) && (open || startQueued) && !isGate && step.requiredFields.length > 0 && projected !== "FAILED" ? (
            <fieldset className="no-print mt-3 grid min-w-0 gap-2 sm:grid-cols-2">
              <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Record at sign-off</legend>
              {step.requiredFields.map((field) => (
                <label key={field.key} className="flex min-w-0 flex-col gap-1 text-sm">
                  <span className="font-medium">{field.label}</span>
                  {field.type === "choice" ? (
                    <select
                      value={fields[field.key] ?? ""}
                      onChange={(e) => setFields((f) => ({ ...f, [field.key]: e.target.value }))}
                      className="min-h-10 rounded-md bg-white px-2 ring-1 ring-slate-300 dark:bg-slate-950 dark:ring-slate-700"
                    >
                      <option value="">Choose…</option>
                      {(field.options ?? []).map((option) => (
                        <option key={option} value={option}>
                          {option}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      value={fields[field.key] ?? ""}
                      inputMode={field.type === "number" ? "decimal" : undefined}
                      onChange={(e) => setFields((f) => ({ ...f, [field.key]: e.target.value }))}
                      className="min-h-10 rounded-md px-3 ring-1 ring-slate-300 dark:bg-slate-950 dark:ring-slate-700"
                    />
                  )}
                </label>
              ))}
            </fieldset>
          ) : null}
          {canAct && (!blocked || startQueued) && (open || startQueued) ? (
            <div className="no-print mt-3 flex flex-wrap gap-2">
              {isGate ? (
                canDecide ? (
                  <Button size="lg" onClick={() => actions.openGate(step)} disabled={busy}>
                    Decide Go / No-Go
                  </Button>
                ) : (
                  <p className="text-sm text-slate-600 dark:text-slate-400">Waiting for a decision from {step.assigneeName ?? "an admin"}.</p>
                )
              ) : (
                <>
                  {projected !== "IN_PROGRESS" ? (
                    <Button size="lg" variant="primary" onClick={() => actions.start(step)} disabled={busy}>
                      Start
                    </Button>
                  ) : null}
                  {step.status !== "FAILED" ? (
                    <Button size="lg" variant="success" onClick={() => actions.done(step, note, fields)} disabled={busy}>
                      Done
                    </Button>
                  ) : null}
                  {step.status !== "FAILED" ? (
                    <>
                      <Button size="lg" variant="secondary" onClick={() => actions.openReason(step, "skip")} disabled={busy}>
                        Skip
                      </Button>
                      <Button size="lg" variant="secondary" onClick={() => actions.openReason(step, "fail")} disabled={busy}>
                        Fail
                      </Button>
                    </>
                  ) : null}
                  {step.status !== "FAILED" ? (
                    <button type="button" className="text-sm text-indigo-700 underline dark:text-indigo-300" onClick={() => setShowNote((v) => !v)}>
                      {showNote ? "Hide note" : "Add note"}
                    </button>
                  ) : null}
                </>
              )}
            </div>
          ) : null}
          {showNote && canAct && !isGate ? (
            <label className="mt-2 block text-sm">
              <span className="sr-only">Sign-off note for step {step.number}</span>
              <textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                rows={2}
                placeholder="Optional note, saved with the sign-off (media ID, counts, …)"
                className="block w-full rounded-md px-3 py-2 ring-1 ring-slate-300 dark:bg-slate-950 dark:ring-slate-700"
              />
            </label>
          ) : null}
          {runActive && canUndo && !open && step.tracked ? (
            <div className="no-print mt-2">
              <button type="button" className="text-xs text-slate-500 underline hover:text-slate-800 dark:hover:text-slate-200" onClick={() => actions.openUndo(step)}>
                Undo sign-off…
              </button>
            </div>
          ) : null}

          {props.fleet && step.isFleet && step.tracked ? <FleetPanel runId={props.fleet.runId} stepId={step.id} canUpdate={canOperate} refreshKey={props.fleet.refreshKey} queued={props.fleet.queued} submit={props.fleet.submit} /> : null}
          {step.details || step.commands || step.verification ? (
            <details className="mt-3" open={props.defaultOpen} onToggle={(e) => setDetailsOpen(e.currentTarget.open)}>
              <summary className="cursor-pointer text-sm font-medium text-slate-700 dark:text-slate-300">Commands and checks</summary>
              {detailsOpen || props.printing ? <StepInstructions step={step} /> : null}
            </details>
          ) : null}
        </div>
      </div>
    </article>
  );
});

/**
 * Memoized: the run board passes only stable or primitive props (see cardClock in run-board.tsx),
 * so a card re-renders when its own step, clock or state changes, not on every board render.
 */
export const StepCard = memo(StepCardView);
