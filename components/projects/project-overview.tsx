"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { NETBACKUP_VERSION_LABELS, PROJECT_STATUS_LABELS, PROJECT_STATUS_TONES, STRATEGY_LABELS } from "@/lib/projects/model";
import { RUN_KIND_LABELS, RUN_STATUS_LABELS } from "@/lib/runs/model";
import type { PlanView } from "@/lib/plan/queries";
import { formatMinutes } from "@/lib/platform/time";
import { PlanEditor } from "../plan/plan-editor";
import { ProjectFleetSection } from "../fleet/project-fleet-section";
import { ImportStepsPanel } from "../import/import-steps-panel";
import { RehearsalComparisonPanel } from "../recalibrate/rehearsal-comparison";
import { SaveAsTemplateButton } from "../templates/save-as-template-button";
import { Button, ButtonLink } from "../ui/button";
import { Card, PageHeader } from "../ui/card";
import { Dialog, DialogActions } from "../ui/dialog";
import { FormError } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { ZonedTime, ZonedWindow } from "../ui/zoned-time";
import { ChangeTicket } from "./change-ticket";
import { PlanCheckPanel, planCheckHeadline } from "../plan/plan-check-panel";
import type { PlanCheckResult } from "@/lib/plan/check";
import { useLiveUpdates } from "../live/use-live-updates";
import { LiveIndicator } from "../live/live-indicator";

export function ProjectOverview({
  view,
  planCheck,
  canEdit,
  canStartRun,
  users,
}: {
  view: PlanView;
  planCheck: PlanCheckResult;
  canEdit: boolean;
  canStartRun: boolean;
  users: { id: string; name: string; role?: string }[];
}) {
  const { project, runs } = view;
  const stepLabels = Object.fromEntries(view.phases.flatMap((phase) => phase.steps.map((step) => [step.id, `${step.number}. ${step.title}`])));
  const checkProblems = planCheck.findings.some((f) => f.severity !== "info");
  const router = useRouter();
  const [fleetSeq, setFleetSeq] = useState<number | null>(null);
  // Any change (step actions in a rehearsal, plan edits) can change the rehearsal comparison.
  const [liveSeq, setLiveSeq] = useState(0);
  const live = useLiveUpdates({
    projectId: project.id,
    runId: null,
    // The overview re-renders for every change (false: not patched here).
    onDelta: (delta) => {
      if (delta.action.startsWith("fleet.")) setFleetSeq(delta.seq);
      setLiveSeq(delta.seq);
      return false;
    },
  });
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [confirmLive, setConfirmLive] = useState(false);
  const activeLive = runs.find((r) => r.kind === "LIVE" && r.status === "ACTIVE");
  const totalMinutes = view.phases.flatMap((p) => p.steps).filter((s) => s.kind !== "ROLLBACK").reduce((sum, s) => sum + s.plannedMinutes, 0);
  const rollbackMinutes = view.phases.flatMap((p) => p.steps).filter((s) => s.kind === "ROLLBACK").reduce((sum, s) => sum + s.plannedMinutes, 0);

  async function start(kind: "LIVE" | "REHEARSAL") {
    setStarting(kind);
    setError(null);
    const result = await apiRequest<{ id: string }>("POST", `/api/projects/${project.id}/runs`, { kind });
    setStarting(null);
    setConfirmLive(false);
    if (!result.ok) return setError(result.error.message);
    router.push(`/projects/${project.id}/runs/${result.data.id}`);
  }

  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/projects" className="hover:underline">
            ← Projects
          </Link>
        }
        title={project.name}
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <Pill tone={PROJECT_STATUS_TONES[project.status]}>{PROJECT_STATUS_LABELS[project.status]}</Pill>
            <span className="font-mono">
              {project.sourceHost} → {project.targetHost}
            </span>
            <span>· {STRATEGY_LABELS[project.hostnameStrategy]}</span>
            <LiveIndicator state={live.state} viewers={live.viewers} />
          </span>
        }
        actions={
          <>
            <ButtonLink href={`/projects/${project.id}/audit`} variant="secondary">
              Audit log
            </ButtonLink>
            <ButtonLink href={`/projects/${project.id}/plan-history`} variant="secondary">
              Plan history
            </ButtonLink>
            {canEdit ? (
              <ButtonLink href={`/projects/${project.id}/settings`} variant="secondary">
                Project settings
              </ButtonLink>
            ) : null}
            {canEdit ? (
              <ButtonLink href={`/projects/${project.id}/webhooks`} variant="secondary">
                Webhooks
              </ButtonLink>
            ) : null}
            {canEdit ? <SaveAsTemplateButton projectId={project.id} projectName={project.name} /> : null}
          </>
        }
      />

      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="p-5 lg:col-span-2">
          <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Downtime window</h2>
          <p className="mt-2 text-lg font-semibold">
            <ZonedWindow start={project.windowStart} end={project.windowEnd} timeZone={project.timezone} />
          </p>
          <p className="text-sm text-slate-600 dark:text-slate-400">{project.timezone}</p>
          <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-500">Product</dt>
              <dd className="font-medium">{project.product}</dd>
            </div>
            <div>
              <dt className="text-slate-500">NetBackup</dt>
              <dd className="font-medium">{NETBACKUP_VERSION_LABELS[project.netbackupVersion]}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Platform</dt>
              <dd className="font-medium">{project.platformPath === "CROSS_PLATFORM" ? "Different OS or architecture" : "Same OS and architecture"}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Change ticket</dt>
              <dd className="font-mono">
                <ChangeTicket ticket={project.changeTicket} url={project.changeUrl} />
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Media servers</dt>
              <dd className="font-mono">{project.mediaServers.join(", ") || "—"}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Planned work</dt>
              <dd className="font-medium">{formatMinutes(totalMinutes)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Rollback takes</dt>
              <dd className="font-medium">{formatMinutes(rollbackMinutes)}</dd>
            </div>
          </dl>
          {project.description ? <p className="mt-4 text-sm text-slate-700 dark:text-slate-300">{project.description}</p> : null}
        </Card>

        <Card className="p-5">
          <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Runs</h2>
          <FormError message={error} />
          {runs.length === 0 ? <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">No runs yet. Rehearse the plan, then run it live.</p> : null}
          <ul className="mt-2 divide-y divide-slate-200 dark:divide-slate-800">
            {runs.map((run) => (
              <li key={run.id}>
                <Link href={`/projects/${project.id}/runs/${run.id}`} className="flex items-center justify-between gap-2 py-2 text-sm hover:underline">
                  <span>
                    <span className="font-medium">{run.name}</span>{" "}
                    <span className="text-slate-500">
                      · {RUN_KIND_LABELS[run.kind]} · <ZonedTime value={run.startedAt} timeZone={project.timezone} style="date" />
                    </span>
                  </span>
                  <Pill tone={run.status === "ACTIVE" ? "sky" : run.status === "COMPLETED" ? "emerald" : "amber"}>{RUN_STATUS_LABELS[run.status]}</Pill>
                </Link>
              </li>
            ))}
          </ul>
          {canStartRun ? (
            <div className="mt-3 flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => start("REHEARSAL")} disabled={starting !== null}>
                {starting === "REHEARSAL" ? "Starting…" : "Start rehearsal"}
              </Button>
              <Button onClick={() => setConfirmLive(true)} disabled={starting !== null || Boolean(activeLive)} title={activeLive ? "A live run is already active" : undefined}>
                Start live run…
              </Button>
            </div>
          ) : null}
          <Dialog open={confirmLive} onClose={() => setConfirmLive(false)} title="Start the live cutover?">
            <div className="space-y-3 text-sm">
              <p>
                This starts the live run of <span className="font-semibold">{project.name}</span> against its downtime window:
              </p>
              <p className="rounded-md bg-slate-100 p-3 font-medium dark:bg-slate-800" data-testid="live-window">
                <ZonedWindow start={project.windowStart} end={project.windowEnd} timeZone={project.timezone} /> ({project.timezone})
              </p>
              <p className="text-slate-600 dark:text-slate-400">The run freezes the plan as it is now. Everyone following the project sees it; it can be aborted, but not undone.</p>
              {checkProblems ? <PlanCheckPanel result={planCheck} stepLabels={stepLabels} compact headingId="live-plan-check" /> : <p className="text-emerald-800 dark:text-emerald-300">Plan check: no problems. The critical path fits the window.</p>}
              <DialogActions onCancel={() => setConfirmLive(false)} confirmLabel="Start the live run now" pending={starting === "LIVE"} pendingLabel="Starting…" onConfirm={() => start("LIVE")} />
            </div>
          </Dialog>
        </Card>
      </div>


      {runs.some((r) => r.kind === "REHEARSAL") ? (
        <div className="mt-8">
          <RehearsalComparisonPanel
            projectId={project.id}
            timeZone={project.timezone}
            canRecalibrate={canEdit}
            refreshKey={`${liveSeq}:${runs.map((r) => `${r.id}.${r.status}`).join(",")}`}
          />
        </div>
      ) : null}
      <Card className="mt-8 p-4 sm:p-5" aria-labelledby="plan-check-heading">
        <h2 id="plan-check-heading" className="text-lg font-bold">Plan check</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">The plan against its {formatMinutes(Math.round((Date.parse(project.windowEnd) - Date.parse(project.windowStart)) / 60_000))} window, as the live forecast will see it: {planCheckHeadline(planCheck).toLowerCase()}.</p>
        <div className="mt-3">
          <PlanCheckPanel result={planCheck} stepLabels={stepLabels} />
        </div>
      </Card>
      <div className="mt-8">
        <PlanEditor view={view} canEdit={canEdit} users={users} />
      </div>
      {canEdit ? (
        <div className="mt-8">
          <ImportStepsPanel projectId={project.id} />
        </div>
      ) : null}
      <div className="mt-8">
        <ProjectFleetSection projectId={project.id} canEdit={canEdit} refreshKey={fleetSeq} />
      </div>
    </>
  );
}
