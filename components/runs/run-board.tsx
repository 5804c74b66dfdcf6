"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { apiRequest } from "@/lib/platform/http/api-client";
import { forecastRun, rollbackDeadline } from "@/lib/runs/forecast";
import { formatInZone } from "@/lib/platform/time";
import { ChangeTicket } from "../projects/change-ticket";
import { RUN_KIND_LABELS, RUN_STATUS_LABELS, type RunPlanDrift } from "@/lib/runs/model";
import { canDecideGate, OWN_UNDO_WINDOW_MS } from "@/lib/platform/auth/permissions";
import type { RoleName } from "@/lib/platform/auth/roles";
import type { RunBoardData, RunBoardStep } from "@/lib/runs/queries";
import type { LiveStepState } from "@/lib/runs/live-delta";
import { blockedReason, isClosed, splitProgress, stepsInScope, type StepAction } from "@/lib/runs/model";
import { Button, ButtonLink } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, FormError, TextArea } from "../ui/field";
import { ReasonDialog } from "../ui/reason-dialog";
import { useApiForm } from "../ui/use-api-form";
import { Pill } from "../ui/status-badge";
import { LiveIndicator } from "../live/live-indicator";
import { useLiveUpdates } from "../live/use-live-updates";
import { ExportLinks } from "./export-links";
import { GateFacts } from "./gate-facts";
import { PlanDriftBanner } from "./plan-drift-banner";
import { isFleetItem, useOfflineQueue, type QueuedAction, type QueuedFleetUpdate, type QueuedStepAction } from "./offline-queue";
import { DeadlineAlert, RunStatusStrip } from "./run-status-strip";
import { cardClock } from "./card-clock";
import { StepCard, type StepCardActions, type StepCardProps } from "./step-card";
import { StakeholderUpdatesPanel } from "../stakeholders/stakeholder-updates-panel";

interface Props {
  data: RunBoardData;
  me: { id: string; name: string; role: RoleName };
  permissions: { canOperate: boolean; canUndo: boolean; isAdmin: boolean; canApplyPlan: boolean; canManageStakeholderUpdates?: boolean };
  /** Plan changes since this run froze its copy, or null. */
  planDrift: RunPlanDrift | null;
  renderedAt: number;
}

type Filter = "all" | "mine" | "ready";
interface FleetExceptionDetail {
  total: number;
  done: number;
  word: string;
  exceptions: { hostname: string; status: string }[];
}

type DialogState =
  | { kind: "reason"; step: RunBoardStep; action: "skip" | "fail" }
  | { kind: "gate"; step: RunBoardStep }
  | { kind: "undo"; step: RunBoardStep }
  | { kind: "help" }
  | { kind: "end"; how: "abort" | "end" }
  | { kind: "exceptions"; step: RunBoardStep; note: string; fields?: Record<string, string>; detail: FleetExceptionDetail }
  | null;

export function RunBoard({ data, me, permissions, renderedAt, planDrift }: Props) {
  const router = useRouter();
  const { run, project, phases, change } = data;
  // Step states the live stream brought since the server rendered: newer versions overlay the
  // rendered steps, so a tick elsewhere costs this page no server render.
  const [patches, setPatches] = useState<ReadonlyMap<string, LiveStepState>>(() => new Map());
  const steps = useMemo(() => data.steps.map((s) => withLiveState(s, patches.get(s.id))), [data.steps, patches]);
  const [now, setNow] = useState(renderedAt);
  const [filter, setFilter] = useState<Filter>("all");
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [busyStep, setBusyStep] = useState<string | null>(null);
  const [messages, setMessages] = useState<Record<string, string>>({});
  const [notices, setNotices] = useState<string[]>([]);
  const [dialog, setDialog] = useState<DialogState>(null);
  /** The operator's last sign-off, which they may take back for two minutes (a mistaken tap on a phone). */
  const [undoable, setUndoable] = useState<{ step: RunBoardStep; until: number } | null>(null);
  const cardRefs = useRef(new Map<string, HTMLElement>());
  // Fleet panels fetch their own data; re-fetch them only when a fleet change is announced.
  const [fleetSeq, setFleetSeq] = useState<number | null>(null);
  const live = useLiveUpdates({
    projectId: project.id,
    runId: run.id,
    afterSeq: data.renderedAfterSeq,
    onDelta: (delta) => {
      // Another run of the project changes nothing on this page.
      if (delta.runId !== null && delta.runId !== run.id) return true;
      if (delta.kind === "step" && delta.step) {
        const state = delta.step;
        setPatches((current) => {
          const known = current.get(state.stepId);
          if (known && known.version >= state.version) return current;
          return new Map(current).set(state.stepId, state);
        });
        return true;
      }
      if (delta.kind === "fleet") {
        setFleetSeq(delta.seq);
        return true;
      }
      // Gates, run status, plan changes, evidence, access: the page's shape may change.
      return false;
    },
  });

  const numberOf = useMemo(() => new Map(steps.map((s) => [s.id, s.number])), [steps]);
  const queue = useOfflineQueue({
    runId: run.id,
    onApplied: () => router.refresh(),
    onRejected: (item: QueuedAction, error) => {
      const what = isFleetItem(item) ? `${item.status.toLowerCase()} tick of ${item.items.length === 1 && item.hostnames[0] ? item.hostnames[0] : `${item.items.length} clients`}` : `"${item.action}"`;
      setNotices((n) => [...n, `Your offline ${what} on step ${item.stepNumber} was not applied: ${error.message}`]);
      router.refresh();
    },
  });
  const { submit: submitQueued } = queue; // stable (useCallback in useOfflineQueue); `queue` is new each render

  // Ctrl+P prints every step's commands and checks: open the collapsed sections for the print only.
  // Cards render their instructions lazily, so render them all (synchronously, before the print
  // is laid out) first.
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const open = () => {
      flushSync(() => setPrinting(true));
      document.querySelectorAll<HTMLDetailsElement>("details:not([open])").forEach((d) => {
        d.open = true;
        d.dataset.printOpened = "1";
      });
    };
    const restore = () => {
      document.querySelectorAll<HTMLDetailsElement>("details[data-print-opened]").forEach((d) => {
        d.open = false;
        delete d.dataset.printOpened;
      });
      setPrinting(false);
    };
    window.addEventListener("beforeprint", open);
    window.addEventListener("afterprint", restore);
    return () => {
      window.removeEventListener("beforeprint", open);
      window.removeEventListener("afterprint", restore);
    };
  }, []);

  const runActive = run.status === "ACTIVE";
  // Once the run has ended every clock stops at its end: the record doesn't keep counting down.
  const endedAt = run.endedAt ? Date.parse(run.endedAt) : null;
  useEffect(() => {
    if (!runActive) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [runActive]);
  const clock = runActive || endedAt === null ? now : endedAt;
  const mode = run.mode as "FORWARD" | "ROLLBACK";
  const statusOf = useMemo(() => {
    const map = new Map(steps.map((s) => [s.id, s.status]));
    return (id: string) => map.get(id) ?? "PENDING";
  }, [steps]);
  const ruleSteps = useMemo(() => steps.map((s) => ({ id: s.id, title: `${s.number}. ${s.title}`, kind: s.kind, position: s.position, predecessorIds: s.predecessorIds })), [steps]);
  const blockedById = useMemo(
    () => new Map(ruleSteps.map((s) => [s.id, blockedReason({ step: s, steps: ruleSteps, statusOf, mode, runStatus: run.status as "ACTIVE" })])),
    [ruleSteps, statusOf, mode, run.status],
  );
  const forecastSteps = useMemo(
    () => steps.map((s) => ({ id: s.id, kind: s.kind, plannedMinutes: s.plannedMinutes, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, predecessorIds: s.predecessorIds, predecessorLags: s.predecessorLags, notBeforeAt: s.notBeforeAt, inWindow: s.inWindow, position: s.position })),
    [steps],
  );
  const windowStart = Date.parse(run.windowStart);
  const windowEnd = Date.parse(run.windowEnd);
  const forecast = forecastRun({ steps: forecastSteps, mode, windowStart, windowEnd, now: clock });
  const deadline = rollbackDeadline({ steps: forecastSteps, windowEnd, now: clock, mode });
  const critical = new Set(forecast.criticalStepIds);
  const progress = splitProgress(steps, mode);
  const { queuedByStep, queuedFleetByStep } = useMemo(() => {
    const steps = new Map<string, QueuedStepAction[]>();
    const fleet = new Map<string, QueuedFleetUpdate[]>();
    for (const item of queue.queue) {
      if (isFleetItem(item)) fleet.set(item.stepId, [...(fleet.get(item.stepId) ?? []), item]);
      else steps.set(item.stepId, [...(steps.get(item.stepId) ?? []), item]);
    }
    return { queuedByStep: steps, queuedFleetByStep: fleet };
  }, [queue.queue]);

  const scoped = stepsInScope(steps, mode);
  const inProgress = scoped.filter((s) => s.status === "IN_PROGRESS");
  const ready = scoped.filter((s) => (s.status === "PENDING" || s.status === "FAILED") && !blockedById.get(s.id));
  const isMine = (s: RunBoardStep) => s.assigneeId === me.id;
  const visible = (s: RunBoardStep) => (filter === "mine" ? isMine(s) : filter === "ready" ? ready.includes(s) || s.status === "IN_PROGRESS" : true);
  const visibleSteps = steps.filter(visible);

  const setMessage = (stepId: string, message: string | null) =>
    setMessages((m) => {
      const next = { ...m };
      if (message) next[stepId] = message;
      else delete next[stepId];
      return next;
    });

  const act = useCallback(
    async (step: RunBoardStep, action: StepAction, extra: { note?: string; reason?: string; exceptionReason?: string; fields?: Record<string, string> } = {}) => {
      setBusyStep(step.id);
      setMessage(step.id, null);
      const outcome = await submitQueued({
        stepId: step.id,
        stepNumber: step.number,
        action,
        note: extra.note ?? "",
        reason: extra.reason ?? "",
        ...(extra.exceptionReason ? { exceptionReason: extra.exceptionReason } : {}),
        ...(extra.fields && Object.keys(extra.fields).length > 0 ? { fields: extra.fields } : {}),
      });
      setBusyStep(null);
      if (!outcome.ok && outcome.error?.code === "needs_confirmation" && action === "done") {
        // A fleet step with clients not done: show which, and ask why before signing off.
        setDialog({ kind: "exceptions", step, note: extra.note ?? "", fields: extra.fields, detail: outcome.error.current as FleetExceptionDetail });
        return outcome.error.message;
      }
      if (!outcome.ok) {
        const fieldMessages = Object.entries(outcome.error?.fieldErrors ?? {})
          .filter(([key]) => key.startsWith("fields."))
          .flatMap(([, messages]) => messages);
        const message = outcome.error?.fieldErrors.reason?.join(" ") ?? (fieldMessages.length > 0 ? fieldMessages.join(" ") : null) ?? outcome.error?.message ?? "That didn't work.";
        setMessage(step.id, message);
        router.refresh();
        return message;
      }
      if (!outcome.queued) router.refresh();
      if (!outcome.queued && action === "done" && step.kind !== "GATE") setUndoable({ step, until: Date.now() + OWN_UNDO_WINDOW_MS });
      return null;
    },
    [submitQueued, router],
  );

  // Stable across renders, like everything else a StepCard gets: the cards are memoized, so a
  // clock tick or a live patch re-renders only the cards whose props changed.
  const actions: StepCardActions = useMemo(
    () => ({
      start: (step) => void act(step, "start"),
      done: (step, note, fields) => void act(step, "done", { note, fields }),
      openReason: (step, action) => setDialog({ kind: "reason", step, action }),
      openGate: (step) => setDialog({ kind: "gate", step }),
      openUndo: (step) => setDialog({ kind: "undo", step }),
    }),
    [act],
  );
  const cardRefCallbacks = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const cardRef = (stepId: string) => {
    let callback = cardRefCallbacks.current.get(stepId);
    if (!callback) {
      callback = (el) => {
        if (el) cardRefs.current.set(stepId, el);
        else cardRefs.current.delete(stepId);
      };
      cardRefCallbacks.current.set(stepId, callback);
    }
    return callback;
  };
  const fleetProps = useMemo(() => {
    const byStep = new Map<string, NonNullable<StepCardProps["fleet"]>>();
    for (const step of steps) {
      if (!step.isFleet) continue;
      byStep.set(step.id, {
        runId: run.id,
        refreshKey: fleetSeq,
        queued: queuedFleetByStep.get(step.id),
        submit: (update) => submitQueued({ kind: "fleet", stepId: step.id, stepNumber: step.number, ...update }),
      });
    }
    return byStep;
  }, [steps, run.id, fleetSeq, queuedFleetByStep, submitQueued]);

  // Keyboard: j/k move, s start, d done, ? help. Ignored while typing or in a dialog.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (target && (target.closest("input, textarea, select, [contenteditable=true]") || target.closest("dialog"))) return;
      const ids = visibleSteps.map((s) => s.id);
      const index = focusedId ? ids.indexOf(focusedId) : -1;
      const focus = (id: string | undefined) => {
        if (!id) return;
        setFocusedId(id);
        const el = cardRefs.current.get(id);
        el?.focus({ preventScroll: true });
        el?.scrollIntoView({ block: "nearest", behavior: "smooth" });
      };
      const focusedStep = steps.find((s) => s.id === focusedId);
      if (event.key === "j") focus(ids[Math.min(ids.length - 1, index + 1)]);
      else if (event.key === "k") focus(ids[Math.max(0, index - 1)]);
      else if (event.key === "?") setDialog({ kind: "help" });
      else if (event.key === "s" && focusedStep && permissions.canOperate && focusedStep.kind !== "GATE") void act(focusedStep, "start");
      else if (event.key === "d" && focusedStep && permissions.canOperate && focusedStep.kind !== "GATE") void act(focusedStep, "done");
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [visibleSteps, focusedId, steps, permissions.canOperate, act]);

  const cardFor = (step: RunBoardStep, opts: { defaultOpen?: boolean; keyPrefix?: string } = {}) => (
    <StepCard
      key={`${opts.keyPrefix ?? ""}${step.id}`}
      ref={opts.keyPrefix ? undefined : cardRef(step.id)}
      step={step}
      now={cardClock(step, clock, runActive)}
      timeZone={project.timezone}
      blocked={blockedById.get(step.id) ?? null}
      critical={critical.has(step.id)}
      mine={isMine(step)}
      focused={!opts.keyPrefix && focusedId === step.id}
      busy={busyStep === step.id}
      message={opts.keyPrefix ? null : (messages[step.id] ?? null)}
      queued={queuedByStep.get(step.id) ?? NOTHING_QUEUED}
      canOperate={permissions.canOperate}
      canUndo={permissions.canUndo}
      canDecide={canDecideGate(me, { kind: step.kind, assigneeId: step.assigneeId, gateApprovers: step.gate?.approverRules })}
      runActive={runActive}
      runId={run.id}
      actions={actions}
      onFocusStep={setFocusedId}
      defaultOpen={opts.defaultOpen}
      printing={printing}
      fleet={opts.keyPrefix ? undefined : fleetProps.get(step.id)}
    />
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 lg:flex-row lg:items-end lg:justify-between">
        <div className="min-w-0 lg:flex-1">
          <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:underline">
            ← {project.name}
          </Link>
          <h1 className="mt-1 flex flex-wrap items-center gap-2 text-2xl font-bold tracking-tight">
            {run.name}
            <Pill tone={run.kind === "LIVE" ? "sky" : "violet"}>{RUN_KIND_LABELS[run.kind]}</Pill>
            <Pill tone={run.status === "ACTIVE" ? "indigo" : run.status === "COMPLETED" ? "emerald" : "amber"}>{RUN_STATUS_LABELS[run.status]}</Pill>
            {mode === "ROLLBACK" && runActive ? <Pill tone="rose">Rolling back</Pill> : null}
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
            <span className="font-mono">
              {project.sourceHost} → {project.targetHost}
            </span>
            {change.ticket ? (
              <span>
                Change <span className="font-mono">
                  <ChangeTicket ticket={change.ticket} url={change.url} />
                </span>
              </span>
            ) : null}
            <LiveIndicator state={live.state} viewers={live.viewers} />
            {!queue.online ? <Pill tone="amber">Offline — actions are queued</Pill> : null}
            {queue.queue.length > 0 ? <Pill tone="amber">{queue.queue.length} queued</Pill> : null}
          </div>
        </div>
        <div className="no-print flex flex-wrap gap-2 lg:max-w-[65%] lg:justify-end">
          <ButtonLink href={`/projects/${project.id}/runs/${run.id}/dashboard`} variant="secondary">
            Dashboard
          </ButtonLink>
          <ButtonLink href={`/projects/${project.id}/audit?run=${run.id}`} variant="secondary">
            Audit
          </ButtonLink>
          <ExportLinks runId={run.id} />
          {runActive && permissions.isAdmin ? (
            <>
              {run.kind === "REHEARSAL" ? (
                <Button variant="secondary" onClick={() => setDialog({ kind: "end", how: "end" })}>
                  End rehearsal…
                </Button>
              ) : null}
              <Button variant="danger" onClick={() => setDialog({ kind: "end", how: "abort" })}>
                Abort run…
              </Button>
            </>
          ) : null}
          <span className="hidden sm:inline">
            <Button variant="ghost" onClick={() => setDialog({ kind: "help" })} aria-label="Keyboard shortcuts">
              ?
            </Button>
          </span>
        </div>
      </div>

      <RunStatusStrip
        now={clock}
        timeZone={project.timezone}
        windowStart={windowStart}
        windowEnd={windowEnd}
        progress={progress}
        forecast={forecast}
        deadline={deadline}
        mode={mode}
        runStatus={run.status}
        endedAt={endedAt}
      />
      {!runActive && run.endReason ? (
        <div role="status" className="rounded-lg bg-amber-50 p-3 text-sm text-amber-950 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-900">
          <span className="font-semibold">
            {run.status === "ABORTED" ? "Aborted" : "Ended early"}
            {run.endedBy ? ` by ${run.endedBy}` : ""}
            {endedAt !== null ? ` at ${formatInZone(new Date(endedAt), project.timezone, "datetime")}` : ""}:
          </span>{" "}
          <span className="[overflow-wrap:anywhere]">{run.endReason}</span>
          {run.status !== "ABORTED" ? <span> Steps that hadn&apos;t started are recorded as not run.</span> : null}
        </div>
      ) : null}
      {runActive ? <DeadlineAlert level={deadline.level} minutesLeft={deadline.minutesLeft} /> : null}
      {mode === "ROLLBACK" && runActive ? (
        <div role="status" className="rounded-lg bg-amber-100 p-3 text-sm font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-100">
          A No-Go was decided. The run has switched to its rollback steps; run them in order.
        </div>
      ) : null}
      {planDrift && runActive ? <PlanDriftBanner runId={run.id} projectId={project.id} drift={planDrift} canApply={permissions.canApplyPlan} /> : null}
      {permissions.canManageStakeholderUpdates ? <StakeholderUpdatesPanel runId={run.id} timeZone={project.timezone} refreshKey={data.renderedAfterSeq} /> : null}
      {notices.map((notice, i) => (
        <div key={i} role="alert" className="flex items-start justify-between gap-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-900 ring-1 ring-rose-200 dark:bg-rose-950 dark:text-rose-100 dark:ring-rose-900">
          <span>{notice}</span>
          <button type="button" className="underline" onClick={() => setNotices((n) => n.filter((_, j) => j !== i))}>
            Dismiss
          </button>
        </div>
      ))}

      {runActive && (inProgress.length > 0 || ready.length > 0) ? (
        <section aria-labelledby="now-heading" className="space-y-2">
          <h2 id="now-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
            Now
          </h2>
          <div className="grid gap-3 lg:grid-cols-2">
            {[...inProgress, ...ready.slice(0, Math.max(1, 3 - inProgress.length))].map((step) => cardFor(step, { keyPrefix: "now-" }))}
          </div>
        </section>
      ) : null}

      <div className="no-print sticky top-14 z-20 -mx-3 flex items-center gap-1 bg-slate-50/95 px-3 py-2 backdrop-blur sm:mx-0 sm:px-0 dark:bg-slate-950/95" role="group" aria-label="Filter steps">
        {(
          [
            ["all", `All steps (${steps.length})`],
            ["mine", `My steps (${steps.filter(isMine).length})`],
            ["ready", `Ready now (${ready.length + inProgress.length})`],
          ] as const
        )
          // Nothing is ready on an ended run.
          .filter(([value]) => runActive || value !== "ready")
          .map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
            className={`min-h-9 rounded-full px-3 text-sm font-medium ${filter === value ? "bg-slate-900 text-white dark:bg-white dark:text-slate-900" : "bg-white text-slate-700 ring-1 ring-slate-300 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700"}`}
          >
            {label}
          </button>
        ))}
      </div>

      {phases.map((phase) => {
        const phaseSteps = steps.filter((s) => s.phaseId === phase.id);
        const shown = phaseSteps.filter(visible);
        if (shown.length === 0) return null;
        const closed = phaseSteps.filter((s) => isClosed(s.status)).length;
        return (
          <section key={phase.id} aria-labelledby={`phase-${phase.id}`} className="space-y-2">
            <h2 id={`phase-${phase.id}`} className="flex items-baseline justify-between gap-2 pt-2 text-base font-bold">
              <span>{phase.title}</span>
              <span className="text-xs font-normal text-slate-500">
                {closed}/{phaseSteps.length} closed{phase.inWindow ? " · in window" : ""}
              </span>
            </h2>
            <div className="space-y-2">{shown.map((step) => cardFor(step))}</div>
          </section>
        );
      })}
      {visibleSteps.length === 0 ? <p className="rounded-lg bg-white p-6 text-center text-sm text-slate-600 ring-1 ring-slate-200 dark:bg-slate-900 dark:text-slate-400 dark:ring-slate-800">{filter === "mine" ? "No steps are assigned to you in this run." : "Nothing is ready right now."}</p> : null}

      {dialog?.kind === "reason" ? (
        <ReasonDialog
          title={`${dialog.action === "skip" ? "Skip" : "Fail"} step ${dialog.step.number}`}
          label={dialog.action === "skip" ? "Why is it skipped?" : "What failed?"}
          confirmLabel={dialog.action === "skip" ? "Skip step" : "Mark failed"}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const error = await act(dialog.step, dialog.action, { reason });
            if (!error) setDialog(null);
            return error;
          }}
        />
      ) : null}
      {dialog?.kind === "gate" ? <GateDialog runId={run.id} step={dialog.step} onClose={() => setDialog(null)} onDone={() => router.refresh()} /> : null}
      {dialog?.kind === "undo" ? (
        <ReasonDialog
          title={`Undo the sign-off of step ${dialog.step.number}`}
          label="Why is it being reopened? (recorded in the audit log)"
          confirmLabel="Undo sign-off"
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const result = await apiRequest("POST", `/api/runs/${run.id}/steps/${dialog.step.id}/undo`, { reason });
            if (!result.ok) return result.error.fieldErrors.reason?.join(" ") ?? result.error.message;
            setDialog(null);
            router.refresh();
            return null;
          }}
        />
      ) : null}
      {dialog?.kind === "end" ? (
        <ReasonDialog
          title={dialog.how === "abort" ? `Abort ${run.name}` : `End ${run.name} early`}
          label={dialog.how === "abort" ? "Why is the run aborted? (recorded in the audit log and the PDF)" : "Why end it now? (recorded in the audit log and the PDF)"}
          confirmLabel={dialog.how === "abort" ? "Abort the run" : "End the rehearsal"}
          placeholder={dialog.how === "abort" ? "e.g. No-Go from the CAB before anything was changed" : "e.g. The after-cutover checks are not rehearsed"}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const result = await apiRequest("POST", `/api/runs/${run.id}/${dialog.how}`, { reason });
            if (!result.ok) return result.error.fieldErrors.reason?.join(" ") ?? result.error.message;
            setDialog(null);
            router.refresh();
            return null;
          }}
        />
      ) : null}
      {dialog?.kind === "exceptions" ? (
        <ReasonDialog
          title={`Sign off step ${dialog.step.number} with exceptions`}
          label="Why sign off now? (recorded with the exceptions, and printed in the PDF)"
          confirmLabel="Sign off with exceptions"
          placeholder="e.g. 3 clients decommissioned; owners informed"
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const message = await act(dialog.step, "done", { note: dialog.note, exceptionReason: reason, fields: dialog.fields });
            if (message) return message;
            setDialog(null);
            return null;
          }}
        >
          <div className="space-y-2 text-sm">
            <p>
              {dialog.detail.done} of {dialog.detail.total} clients are {dialog.detail.word}. These are not:
            </p>
            <ul className="max-h-48 overflow-y-auto rounded-md bg-slate-50 p-2 font-mono text-xs dark:bg-slate-800" aria-label="Clients not done">
              {dialog.detail.exceptions.map((e) => (
                <li key={e.hostname} className="[overflow-wrap:anywhere]">
                  {e.hostname} · {e.status.toLowerCase()}
                </li>
              ))}
              {dialog.detail.total - dialog.detail.done > dialog.detail.exceptions.length ? <li>… and {dialog.detail.total - dialog.detail.done - dialog.detail.exceptions.length} more</li> : null}
            </ul>
          </div>
        </ReasonDialog>
      ) : null}
      {undoable && runActive && now < undoable.until ? (
        <div role="status" className="no-print fixed inset-x-3 bottom-3 z-40 mx-auto flex max-w-md items-center justify-between gap-3 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-2xl dark:bg-slate-100 dark:text-slate-900">
          <span>
            Step {undoable.step.number} signed off. <span className="tabular-nums text-slate-300 dark:text-slate-600">{Math.ceil((undoable.until - now) / 1000)} s to undo</span>
          </span>
          <span className="flex gap-2">
            <button
              type="button"
              className="rounded-md px-3 py-1.5 font-semibold ring-1 ring-white/40 dark:ring-slate-900/40"
              onClick={async () => {
                const result = await apiRequest("POST", `/api/runs/${run.id}/steps/${undoable.step.id}/undo`, { reason: "" });
                setUndoable(null);
                if (!result.ok) setMessage(undoable.step.id, result.error.message);
                router.refresh();
              }}
            >
              Undo
            </button>
            <button type="button" aria-label="Dismiss" className="px-1" onClick={() => setUndoable(null)}>
              ✕
            </button>
          </span>
        </div>
      ) : null}
      {dialog?.kind === "help" ? (
        <Dialog open onClose={() => setDialog(null)} title="Keyboard shortcuts">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            {[
              ["j / k", "Next / previous step"],
              ["s", "Start the selected step"],
              ["d", "Mark the selected step done (signs off in your name)"],
              ["?", "Show this help"],
            ].map(([key, text]) => (
              <div key={key} className="contents">
                <dt>
                  <kbd className="rounded bg-slate-100 px-1.5 py-0.5 font-mono dark:bg-slate-800">{key}</kbd>
                </dt>
                <dd>{text}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-4 text-xs text-slate-500">Step numbers in messages: {[...numberOf.values()].slice(0, 3).join(", ")}…</p>
        </Dialog>
      ) : null}
    </div>
  );
}

const NO_GO_BUTTON = { ROLLBACK: "No-Go → roll back", ABORT: "No-Go → abort the run", HOLD: "No-Go → hold" } as const;
const NO_GO_CONFIRM = {
  ROLLBACK: "No-Go switches this run to its rollback steps. Continue?",
  ABORT: "No-Go ends this run as aborted: nothing more is ticked, and no rollback runs. Continue?",
  HOLD: "No-Go holds the run at this gate until a second decision: Go continues, a second No-Go rolls back. Continue?",
} as const;

function GateDialog({ runId, step, onClose, onDone }: { runId: string; step: RunBoardStep; onClose: () => void; onDone: () => void }) {
  const [note, setNote] = useState("");
  const { errors, message, submit } = useApiForm();
  const [pending, setPending] = useState<"GO" | "NO_GO" | null>(null);
  const gate = step.gate;
  const outcome = gate?.noGoOutcome ?? "ROLLBACK";
  const waiting = gate?.approvers.filter((a) => !a.approvedBy) ?? [];
  async function decide(decision: "GO" | "NO_GO") {
    if (decision === "NO_GO" && !window.confirm(NO_GO_CONFIRM[outcome])) return;
    setPending(decision);
    const result = await submit(() => apiRequest("POST", `/api/runs/${runId}/steps/${step.id}/gate`, { decision, note, expectedVersion: step.version }));
    setPending(null);
    if (!result.ok) return;
    onClose();
    onDone();
  }
  return (
    <Dialog open onClose={onClose} title={/^go\s*\/\s*no-go\b/i.test(step.title) ? step.title : `Go/No-Go: ${step.title}`}>
      <div className="space-y-4">
        <FormError message={message} />
        <p className="text-sm text-slate-600 dark:text-slate-400">Your decision is recorded in your name with the note, and cannot be changed afterwards.</p>
        {gate ? <GateFacts gate={gate} /> : null}
        <Field label="Decision note (required)" error={errors.note}>
          {(a) => <TextArea {...a} rows={3} value={note} onChange={(e) => setNote(e.target.value)} autoFocus placeholder="What was checked, who agreed" />}
        </Field>
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" size="lg" onClick={() => decide("NO_GO")} disabled={pending !== null}>
            {pending === "NO_GO" ? "Saving…" : NO_GO_BUTTON[outcome]}
          </Button>
          <Button variant="success" size="lg" onClick={() => decide("GO")} disabled={pending !== null}>
            {pending === "GO" ? "Saving…" : waiting.length > 1 ? "Approve" : "Go"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

const NOTHING_QUEUED: QueuedStepAction[] = [];

/** A rendered step with the live stream's newer state of it, if there is one. */
function withLiveState(step: RunBoardStep, live: LiveStepState | undefined): RunBoardStep {
  if (!live || live.version <= step.version) return step;
  const { stepId: _stepId, ...state } = live;
  return { ...step, ...state, tracked: true };
}
