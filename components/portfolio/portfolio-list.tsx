"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { PROJECT_STATUS_LABELS, PROJECT_STATUS_TONES } from "@/lib/projects/model";
import { RUN_KIND_LABELS, RUN_STATUS_LABELS } from "@/lib/runs/model";
import type { PortfolioRow } from "@/lib/portfolio/queries";
import { formatDuration, formatMinutes } from "@/lib/platform/time";
import { ZonedTime, ZonedWindow } from "../ui/zoned-time";
import { ButtonLink } from "../ui/button";
import { EmptyState } from "../ui/card";
import { ProgressBar } from "../ui/progress-bar";
import { Pill } from "../ui/status-badge";

const VERDICT = {
  on_track: { label: "On track", tone: "emerald" },
  at_risk: { label: "At risk", tone: "amber" },
  overrun: { label: "Will overrun", tone: "rose" },
  finished: { label: "Window work done", tone: "emerald" },
} as const;

/** "Window opens in 2:10:00" / "3:05:00 left in window" / "Window closed". */
function windowClock(row: PortfolioRow, now: number): string {
  const start = Date.parse(row.windowStart);
  const end = Date.parse(row.windowEnd);
  if (now < start) {
    const ms = start - now;
    return ms > 48 * 3_600_000 ? `Window in ${Math.round(ms / 86_400_000)} days` : `Window opens in ${formatDuration(ms)}`;
  }
  if (now < end) return `${formatDuration(end - now)} left in window`;
  return "Window closed";
}

export function PortfolioList({ rows, canCreate, filtered }: { rows: PortfolioRow[]; canCreate: boolean; filtered: boolean }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  if (rows.length === 0) {
    return filtered ? (
      <EmptyState title="No projects match these filters" />
    ) : (
      <EmptyState
        title="No migration projects yet"
        action={
          canCreate ? (
            <ButtonLink href="/projects/new">Create the first project</ButtonLink>
          ) : null
        }
      >
        {canCreate ? "Start from the NetBackup rehost template or an empty plan." : "An admin hasn't created any projects yet."}
      </EmptyState>
    );
  }
  return (
    <ul className="grid gap-4 md:grid-cols-2" aria-label="Projects">
      {rows.map((row) => {
        const verdict = row.verdict ? VERDICT[row.verdict] : null;
        return (
          <li key={row.id} className="flex flex-col rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
            <div className="flex items-start justify-between gap-3">
              <h2 className="font-semibold leading-snug">
                <Link href={`/projects/${row.id}`} className="hover:underline">
                  {row.name}
                </Link>
              </h2>
              <Pill tone={PROJECT_STATUS_TONES[row.status]}>{PROJECT_STATUS_LABELS[row.status]}</Pill>
            </div>
            <p className="mt-1 font-mono text-xs text-slate-600 dark:text-slate-400">
              {row.sourceHost} → {row.targetHost}
              {row.owner ? <span className="font-sans"> · owner {row.owner}</span> : null}
            </p>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
              <span className="sr-only">Cutover window: </span>
              <ZonedWindow start={row.windowStart} end={row.windowEnd} timeZone={row.timezone} /> <span className="text-xs">({row.timezone})</span>
            </p>
            <p className="text-sm font-semibold tabular-nums" suppressHydrationWarning>
              {now === null ? "\u00a0" : windowClock(row, now)}
            </p>

            {row.run ? (
              <div className="mt-3 space-y-2">
                <div className="flex justify-between text-xs text-slate-600 dark:text-slate-400">
                  <span>
                    {RUN_KIND_LABELS[row.run.kind]} · {row.run.name}
                    {row.run.status === "ACTIVE" && row.currentPhase ? ` · now in “${row.currentPhase}”` : ""}
                  </span>
                  <span className="font-semibold tabular-nums">{row.percent}%</span>
                </div>
                <ProgressBar percent={row.percent} label={`${row.name} progress by planned minutes`} tone={row.run.mode === "ROLLBACK" ? "amber" : "indigo"} />
                <div className="flex flex-wrap items-center gap-2 text-xs">
                  {verdict ? (
                    <Pill tone={verdict.tone}>
                      {verdict.label}
                      {row.verdict === "overrun" && row.slackMinutes !== null ? ` by ${formatMinutes(-row.slackMinutes)}` : ""}
                      {row.verdict === "at_risk" && row.slackMinutes !== null ? ` · ${formatMinutes(row.slackMinutes)} slack` : ""}
                    </Pill>
                  ) : null}
                  {row.run.mode === "ROLLBACK" && row.run.status === "ACTIVE" ? <Pill tone="rose">Rolling back</Pill> : null}
                  {row.run.status !== "ACTIVE" ? <Pill tone={row.run.status === "COMPLETED" ? "emerald" : "amber"}>Last run: {RUN_STATUS_LABELS[row.run.status]}</Pill> : null}
                  {row.overdueSteps > 0 ? <Pill tone="rose">{row.overdueSteps} overdue</Pill> : null}
                  {row.forecastFinish ? <span className="text-slate-600 dark:text-slate-400">forecast <ZonedTime value={row.forecastFinish} timeZone={row.timezone} /></span> : null}
                </div>
                {row.activeNow.length > 0 ? <p className="text-xs text-slate-600 dark:text-slate-400">Active now: {row.activeNow.join(", ")}</p> : null}
              </div>
            ) : (
              <p className="mt-3 text-xs text-slate-500">No run yet</p>
            )}
            <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-3 text-sm dark:border-slate-800">
              <Link href={`/projects/${row.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                Plan
              </Link>
              {row.run ? (
                <>
                  <Link href={`/projects/${row.id}/runs/${row.run.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    Runbook
                  </Link>
                  <Link href={`/projects/${row.id}/runs/${row.run.id}/dashboard`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    Dashboard
                  </Link>
                </>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
