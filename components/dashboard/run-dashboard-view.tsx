"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { RunDashboard } from "@/lib/dashboard/queries";
import { RUN_KIND_LABELS, RUN_STATUS_LABELS } from "@/lib/runs/model";
import { formatInZone, formatMinutes } from "@/lib/platform/time";
import { LiveIndicator } from "../live/live-indicator";
import { useLiveUpdates } from "../live/use-live-updates";
import { ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { Table, TableBody, TableHead } from "../ui/table";
import { Pill, StatusBadge } from "../ui/status-badge";
import { BurndownChart, TimelineChart, WorkloadChart } from "./charts";
import { ZonedTime, ZonedWindow } from "../ui/zoned-time";

const VERDICT_TEXT = { on_track: "On track", at_risk: "At risk", overrun: "Will overrun", finished: "Window work done" } as const;

function Stat({ label, value, detail, tone }: { label: string; value: React.ReactNode; detail?: React.ReactNode; tone?: "rose" | "amber" | "emerald" }) {
  const color = tone === "rose" ? "text-rose-700 dark:text-rose-300" : tone === "amber" ? "text-amber-700 dark:text-amber-300" : tone === "emerald" ? "text-emerald-700 dark:text-emerald-300" : "";
  return (
    <div className="bg-white p-4 dark:bg-slate-900">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className={`mt-1 text-2xl font-bold tabular-nums ${color}`}>{value}</dd>
      {detail ? <dd className="text-xs text-slate-500">{detail}</dd> : null}
    </div>
  );
}

function Section({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <Card className="print-break-inside-avoid p-4 sm:p-5" aria-labelledby={id}>
      <h2 id={id} className="mb-3 font-semibold">
        {title}
      </h2>
      {children}
    </Card>
  );
}

function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Show the data as a table</summary>
      <Table caption={caption} scrollClassName="mt-2">
        <TableHead>
          {head.map((h) => (
            <th key={h} scope="col" className="px-2 py-1">
              {h}
            </th>
          ))}
        </TableHead>
        <TableBody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className="px-2 py-1 tabular-nums">
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </TableBody>
      </Table>
    </details>
  );
}

export function RunDashboardView({ data }: { data: RunDashboard }) {
  const router = useRouter();
  const { run, project, progress, forecast, deadline, burndown } = data;
  // The dashboard re-renders for every change of this run or the plan; another run's ticks change nothing here.
  const live = useLiveUpdates({ projectId: project.id, runId: run.id, onDelta: (delta) => delta.runId !== null && delta.runId !== run.id });
  const tz = project.timezone;
  const windowStart = Date.parse(run.windowStart);
  const windowMinutes = (Date.parse(run.windowEnd) - windowStart) / 60_000;
  const nowMinutes = (data.now - windowStart) / 60_000;
  const verdictTone = forecast.verdict === "overrun" ? "rose" : forecast.verdict === "at_risk" ? "amber" : "emerald";

  return (
    <div className="space-y-5">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <Link href={`/projects/${project.id}`} className="text-sm text-slate-500 hover:underline">
            ← {project.name}
          </Link>
          <h1 className="mt-1 flex flex-wrap items-center gap-2 text-2xl font-bold tracking-tight">
            Dashboard · {run.name}
            <Pill tone={run.kind === "LIVE" ? "sky" : "violet"}>{RUN_KIND_LABELS[run.kind]}</Pill>
            <Pill tone={run.status === "ACTIVE" ? "indigo" : run.status === "COMPLETED" ? "emerald" : "amber"}>{RUN_STATUS_LABELS[run.status]}</Pill>
          </h1>
          <div className="mt-1">
            <LiveIndicator state={live.state} viewers={live.viewers} />
          </div>
        </div>
        <div className="no-print flex flex-wrap gap-2">
          <ButtonLink href={`/projects/${project.id}/runs/${run.id}`}>Open runbook</ButtonLink>
          {data.otherRuns.length > 0 ? (
            <select
              aria-label="Compare with run"
              className="rounded-md bg-white px-2 py-2 text-sm ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700"
              defaultValue=""
              onChange={(e) => router.push(`/projects/${project.id}/runs/${run.id}/dashboard${e.target.value ? `?compare=${e.target.value}` : ""}`)}
            >
              <option value="">Compare with…</option>
              {data.otherRuns.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({RUN_KIND_LABELS[r.kind]})
                </option>
              ))}
            </select>
          ) : null}
        </div>
      </div>

      <dl className="grid grid-cols-2 gap-px overflow-hidden rounded-xl bg-slate-200 ring-1 ring-slate-200 md:grid-cols-4 dark:bg-slate-800 dark:ring-slate-800">
        <Stat
          label={run.mode === "ROLLBACK" ? "Rollback progress" : "Window work"}
          value={`${progress.headline.percent}%`}
          detail={
            run.mode !== "ROLLBACK" && progress.outside.totalMinutes > 0
              ? `${formatMinutes(progress.headline.doneMinutes)} of ${formatMinutes(progress.headline.totalMinutes)} planned · preparation and follow-up ${formatMinutes(progress.outside.doneMinutes)} of ${formatMinutes(progress.outside.totalMinutes)}`
              : `${formatMinutes(progress.headline.doneMinutes)} of ${formatMinutes(progress.headline.totalMinutes)} planned`
          }
        />
        <Stat
          label="Forecast finish"
          value={run.status === "ACTIVE" ? <ZonedTime value={forecast.finishAt} timeZone={tz} viewerLine /> : "—"}
          detail={run.status === "ACTIVE" ? `${VERDICT_TEXT[forecast.verdict]}${forecast.verdict === "overrun" ? ` by ${formatMinutes(-forecast.slackMinutes)}` : forecast.verdict !== "finished" ? ` · ${formatMinutes(forecast.slackMinutes)} slack` : ""}` : "Run ended"}
          tone={run.status === "ACTIVE" ? verdictTone : undefined}
        />
        {run.status === "ACTIVE" ? (
          <>
            <Stat label="Time left in window" value={formatMinutes(burndown.timeLeftMinutes)} detail={
                <>
                  window ends <ZonedTime value={run.windowEnd} timeZone={tz} />
                </>
              } />
            <Stat
              label="Rollback deadline"
              value={deadline.deadline ? <ZonedTime value={deadline.deadline} timeZone={tz} viewerLine /> : "—"}
              detail={deadline.minutesLeft !== null ? (deadline.minutesLeft > 0 ? `in ${formatMinutes(deadline.minutesLeft)}` : "passed") : undefined}
              tone={deadline.level === "passed_gate_open" || deadline.level === "warn_10" ? "rose" : deadline.level === "warn_30" ? "amber" : undefined}
            />
          </>
        ) : (
          <>
            {/* An ended run's clocks have stopped: what is left is when it ended, and how. */}
            <Stat label="Ended" value={run.endedAt ? <ZonedTime value={run.endedAt} timeZone={tz} viewerLine /> : "—"}
              detail={<ZonedWindow start={run.windowStart} end={run.windowEnd} timeZone={tz} />} />
            <Stat label="Outcome" value={RUN_STATUS_LABELS[run.status]} detail={run.endReason ? run.endReason : undefined} />
          </>
        )}
      </dl>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Phase progress" id="phase-progress">
          <ul className="space-y-3">
            {data.phases.map((phase) => (
              <li key={phase.phaseId}>
                <div className="mb-1 flex justify-between gap-2 text-sm">
                  <span className="font-medium">{phase.title}</span>
                  <span className="tabular-nums text-slate-600 dark:text-slate-400">
                    {run.status !== "ACTIVE" && !phase.ran ? "Not run" : `${phase.percent}%`} · {phase.stepsClosed}/{phase.stepCount} steps
                  </span>
                </div>
                <ProgressBar percent={phase.percent} label={`${phase.title}: ${phase.percent}%`} />
              </li>
            ))}
          </ul>
        </Section>

        <Section title="Burn-down of planned minutes in the window" id="burndown">
          <figure aria-labelledby="burndown-caption">
            <BurndownChart data={burndown} timeZone={tz} now={data.now} nowLabel={run.status === "ACTIVE" ? "now" : "ended"} />
            <figcaption id="burndown-caption" className="text-sm text-slate-600 dark:text-slate-400">
              {run.status === "ACTIVE"
                ? `${formatMinutes(burndown.remainingMinutes)} of planned work left, ${formatMinutes(burndown.timeLeftMinutes)} left in the window.`
                : `The run ended with ${formatMinutes(burndown.remainingMinutes)} of planned work not done.`}
            </figcaption>
            <DataTable caption="Remaining planned minutes over time" head={["Time", "Remaining"]} rows={burndown.actual.map((p) => [formatInZone(new Date(p.at), tz, "time"), formatMinutes(p.remainingMinutes)])} />
          </figure>
        </Section>
      </div>

      <Section title="Planned vs actual timeline (steps inside the window, and rollback steps that ran)" id="timeline">
        <figure aria-labelledby="timeline-caption">
          <div className="relative overflow-x-auto">
            <div className="min-w-[640px]">
              <TimelineChart data={data.timeline} windowMinutes={windowMinutes} nowMinutes={nowMinutes} timeZone={tz} windowStart={windowStart} nowLabel={run.status === "ACTIVE" ? "now" : "ended"} />
            </div>
          </div>
          <figcaption id="timeline-caption" className="text-sm text-slate-600 dark:text-slate-400">
            Grey bars: the plan as scheduled from the window start (violet: the remaining critical path). Blue bars: actual start to finish (or to now). Critical path: {data.timeline.filter((t) => t.critical).map((t) => t.label.split(".")[0]).join(" → ") || "—"}.
          </figcaption>
          <DataTable
            caption="Planned and actual times per step"
            head={["Step", "Planned", "Actual", "Critical"]}
            rows={data.timeline.map((t) => [
              t.label,
              `${formatInZone(new Date(windowStart + t.planned[0] * 60_000), tz, "time")}–${formatInZone(new Date(windowStart + t.planned[1] * 60_000), tz, "time")}`,
              t.actual ? `${formatInZone(new Date(windowStart + t.actual[0] * 60_000), tz, "time")}–${formatInZone(new Date(windowStart + t.actual[1] * 60_000), tz, "time")}` : "—",
              t.critical ? "yes" : "",
            ])}
          />
        </figure>
      </Section>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Top overruns" id="overruns">
          {data.variance.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No step has run over its plan.</p>
          ) : (
            <Table caption="Steps that ran over their planned time, largest first" scroll={false}>
              <TableHead>
                <th scope="col" className="py-1 pr-2">Step</th>
                <th scope="col" className="py-1 pr-2 text-right">Planned</th>
                <th scope="col" className="py-1 pr-2 text-right">Actual</th>
                <th scope="col" className="py-1 text-right">Over</th>
              </TableHead>
              <TableBody>
                {data.variance.map((row) => (
                  <tr key={row.id}>
                    <td className="py-1.5 pr-2">
                      <span className="font-mono text-slate-500">{row.number}</span> {row.title}
                      {row.status === "IN_PROGRESS" ? <span className="text-xs text-slate-500"> (running)</span> : null}
                    </td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{formatMinutes(row.plannedMinutes)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{formatMinutes(row.actualMinutes)}</td>
                    <td className="py-1.5 text-right font-semibold tabular-nums text-rose-700 dark:text-rose-300">+{formatMinutes(row.varianceMinutes)}</td>
                  </tr>
                ))}
              </TableBody>
            </Table>
          )}
        </Section>

        <Section title="Skipped and failed steps" id="exceptions">
          {data.exceptions.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">None.</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {data.exceptions.map((e) => (
                <li key={e.id} className="flex items-start gap-2">
                  <StatusBadge status={e.status} />
                  <span>
                    <span className="font-mono text-slate-500">{e.number}</span> {e.title}
                    <span className="block text-slate-600 dark:text-slate-400">Reason: {e.reason}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Section>
      </div>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Section title="Workload by team" id="workload-team">
          <figure>
            <WorkloadChart rows={data.workload.byTeam} />
            <DataTable caption="Planned and done minutes per team" head={["Team", "Planned", "Done", "Open steps"]} rows={data.workload.byTeam.map((r) => [r.name, formatMinutes(r.plannedMinutes), formatMinutes(r.doneMinutes), r.open])} />
          </figure>
        </Section>
        <Section title="Workload by assignee" id="workload-assignee">
          <figure>
            <WorkloadChart rows={data.workload.byAssignee} />
            <DataTable caption="Planned and done minutes per assignee" head={["Assignee", "Planned", "Done", "Open steps"]} rows={data.workload.byAssignee.map((r) => [r.name, formatMinutes(r.plannedMinutes), formatMinutes(r.doneMinutes), r.open])} />
          </figure>
        </Section>
      </div>

      {data.comparison ? (
        <Section title={`${data.comparison.leftName} vs ${data.comparison.rightName}`} id="comparison">
          <Table caption="Actual minutes per step in both runs">
            <TableHead>
              <th scope="col" className="py-1 pr-2">Step</th>
              <th scope="col" className="py-1 pr-2 text-right">Planned</th>
              <th scope="col" className="py-1 pr-2 text-right">{data.comparison.leftName}</th>
              <th scope="col" className="py-1 text-right">{data.comparison.rightName}</th>
            </TableHead>
            <TableBody>
              {data.comparison.rows.map((r) => (
                <tr key={r.id}>
                  <td className="py-1 pr-2">
                    <span className="font-mono text-slate-500">{r.number}</span> {r.title}
                  </td>
                  <td className="py-1 pr-2 text-right tabular-nums">{formatMinutes(r.plannedMinutes)}</td>
                  <td className="py-1 pr-2 text-right tabular-nums">{r.leftMinutes === null ? "—" : formatMinutes(r.leftMinutes)}</td>
                  <td className="py-1 text-right tabular-nums">{r.rightMinutes === null ? "—" : formatMinutes(r.rightMinutes)}</td>
                </tr>
              ))}
            </TableBody>
            <tfoot className="font-semibold">
              <tr>
                <th scope="row" className="py-1 pr-2">
                  Total
                </th>
                <td className="py-1 pr-2 text-right tabular-nums">{formatMinutes(data.comparison.totals.plannedMinutes)}</td>
                <td className="py-1 pr-2 text-right tabular-nums">{formatMinutes(data.comparison.totals.leftMinutes)}</td>
                <td className="py-1 text-right tabular-nums">{formatMinutes(data.comparison.totals.rightMinutes)}</td>
              </tr>
            </tfoot>
          </Table>
        </Section>
      ) : null}
    </div>
  );
}
