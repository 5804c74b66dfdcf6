"use client";
import type { DeadlineLevel, Forecast } from "@/lib/runs/forecast";
import type { SplitProgress } from "@/lib/runs/model";
import { formatDuration, formatMinutes } from "@/lib/platform/time";
import { ZonedTime, ZonedWindow } from "../ui/zoned-time";
import { ProgressBar } from "../ui/progress-bar";

interface Props {
  now: number;
  timeZone: string;
  windowStart: number;
  windowEnd: number;
  progress: SplitProgress;
  forecast: Forecast;
  deadline: { deadline: number | null; minutesLeft: number | null; level: DeadlineLevel; rollbackMinutes: number };
  mode: "FORWARD" | "ROLLBACK";
  runStatus: string;
  /** When the run ended (ms), or null while it runs. */
  endedAt?: number | null;
}

const OUTCOME_TEXT: Record<string, string> = { COMPLETED: "Completed", ROLLED_BACK: "Rolled back", ABORTED: "Aborted" };

const verdictStyle = {
  on_track: "text-emerald-700 dark:text-emerald-300",
  at_risk: "text-amber-700 dark:text-amber-300",
  overrun: "text-rose-700 dark:text-rose-300",
  finished: "text-emerald-700 dark:text-emerald-300",
} as const;

export function RunStatusStrip({ now, timeZone, windowStart, windowEnd, progress, forecast, deadline, mode, runStatus, endedAt = null }: Props) {
  if (runStatus !== "ACTIVE") return <EndedStrip timeZone={timeZone} windowStart={windowStart} windowEnd={windowEnd} progress={progress} mode={mode} runStatus={runStatus} endedAt={endedAt} />;
  const beforeWindow = now < windowStart;
  const windowClock = beforeWindow ? windowStart - now : windowEnd - now;
  const verdictText =
    forecast.verdict === "finished"
      ? "All window steps finished"
      : forecast.verdict === "on_track"
        ? `On track · ${formatMinutes(forecast.slackMinutes)} to spare`
        : forecast.verdict === "at_risk"
          ? `At risk · only ${formatMinutes(Math.max(0, forecast.slackMinutes))} of slack`
          : `Will overrun by ${formatMinutes(-forecast.slackMinutes)}`;
  return (
    <div className="grid grid-cols-2 gap-px overflow-hidden rounded-xl bg-slate-200 shadow-sm ring-1 ring-slate-200 sm:grid-cols-4 dark:bg-slate-800 dark:ring-slate-800">
      <div className="bg-white p-3 sm:p-4 dark:bg-slate-900">
        <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{beforeWindow ? "Window opens in" : now > windowEnd ? "Window closed" : "Left in window"}</div>
        <div className={`mt-1 font-mono text-xl font-bold tabular-nums sm:text-2xl ${!beforeWindow && windowClock < 0 ? "text-rose-600" : ""}`} aria-label="Time left in the downtime window">
          {formatDuration(windowClock)}
        </div>
        <div className="text-xs text-slate-500">
          ends <ZonedTime value={windowEnd} timeZone={timeZone} />
        </div>
      </div>
      <ProgressCell progress={progress} mode={mode} />
      <div className="bg-white p-3 sm:p-4 dark:bg-slate-900">
        <div className="text-xs font-medium uppercase tracking-wide text-slate-500">Forecast finish</div>
        <div className="mt-1 font-mono text-xl font-bold tabular-nums sm:text-2xl">{runStatus === "ACTIVE" ? <ZonedTime value={forecast.finishAt} timeZone={timeZone} viewerLine /> : "—"}</div>
        <div className={`text-xs font-semibold ${verdictStyle[forecast.verdict]}`} data-testid="forecast-verdict">
          {runStatus === "ACTIVE" ? verdictText : "Run ended"}
        </div>
      </div>
      <div className={`p-3 sm:p-4 ${deadline.level === "passed_gate_open" ? "bg-rose-600 text-white" : deadline.level === "warn_10" ? "bg-rose-50 dark:bg-rose-950" : deadline.level === "warn_30" ? "bg-amber-50 dark:bg-amber-950" : "bg-white dark:bg-slate-900"}`}>
        <div className={`text-xs font-medium uppercase tracking-wide ${deadline.level === "passed_gate_open" ? "text-rose-100" : "text-slate-500"}`}>Rollback deadline</div>
        {deadline.deadline !== null && deadline.minutesLeft !== null ? (
          <>
            <div className="mt-1 font-mono text-xl font-bold tabular-nums sm:text-2xl" aria-label="Time until the rollback deadline">
              {deadline.minutesLeft > 0 ? formatDuration(deadline.deadline - now) : "PASSED"}
            </div>
            <div className="text-xs">
              decide by <ZonedTime value={deadline.deadline} timeZone={timeZone} /> · rollback takes {formatMinutes(deadline.rollbackMinutes)}
            </div>
          </>
        ) : (
          <div className="mt-1 text-sm text-slate-500">{mode === "ROLLBACK" ? "Rolling back" : "No rollback steps"}</div>
        )}
      </div>
    </div>
  );
}

export function DeadlineAlert({ level, minutesLeft }: { level: DeadlineLevel; minutesLeft: number | null }) {
  if (level === "passed_gate_open") {
    return (
      <div role="alert" className="rounded-lg bg-rose-600 motion-safe:animate-pulse p-4 font-semibold text-white shadow-lg">
        ⚠ The rollback deadline has passed and a go/no-go gate is still open. Starting the rollback now will not finish inside the window. Decide now.
      </div>
    );
  }
  if (level === "warn_10" || level === "warn_30") {
    return (
      <div role="alert" className={`rounded-lg p-3 text-sm font-semibold ${level === "warn_10" ? "bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-100" : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-100"}`}>
        Rollback deadline in {Math.ceil(minutesLeft ?? 0)} minutes. After it, a rollback can no longer finish inside the window.
      </div>
    );
  }
  return null;
}

/** An ended run: the facts of the record, with no clock left running. */
function EndedStrip({ timeZone, windowStart, windowEnd, progress, mode, runStatus, endedAt }: Pick<Props, "timeZone" | "windowStart" | "windowEnd" | "progress" | "mode" | "runStatus"> & { endedAt: number | null }) {
  const cell = "bg-white p-3 sm:p-4 dark:bg-slate-900";
  const label = "text-xs font-medium uppercase tracking-wide text-slate-500";
  const margin = endedAt !== null ? windowEnd - endedAt : null;
  return (
    <div className="grid grid-cols-2 gap-px overflow-hidden rounded-xl bg-slate-200 shadow-sm ring-1 ring-slate-200 sm:grid-cols-4 dark:bg-slate-800 dark:ring-slate-800">
      <div className={cell}>
        <div className={label}>Ended</div>
        <div className="mt-1 font-mono text-xl font-bold tabular-nums sm:text-2xl">{endedAt !== null ? <ZonedTime value={endedAt} timeZone={timeZone} viewerLine /> : "—"}</div>
        <div className="text-xs text-slate-500">
          {margin === null ? "" : margin >= 0 ? `${formatDuration(margin)} before the window closed` : `${formatDuration(-margin)} after the window closed`}
        </div>
      </div>
      <ProgressCell progress={progress} mode={mode} />
      <div className={cell}>
        <div className={label}>Outcome</div>
        <div className="mt-1 text-xl font-bold sm:text-2xl">{OUTCOME_TEXT[runStatus] ?? runStatus}</div>
        <div className="text-xs font-semibold text-slate-600 dark:text-slate-400" data-testid="forecast-verdict">
          Run ended
        </div>
      </div>
      <div className={cell}>
        <div className={label}>Window</div>
        <div className="mt-1 text-sm font-medium">
          <ZonedWindow start={windowStart} end={windowEnd} timeZone={timeZone} />
        </div>
        <div className="text-xs text-slate-500">No clock runs on an ended run</div>
      </div>
    </div>
  );
}

/**
 * Progress by planned minutes: the same cell while the run goes on and once it has ended. Going
 * forward the headline is the window's work; preparation and follow-up are a line of their own.
 */
function ProgressCell({ progress, mode }: Pick<Props, "progress" | "mode">) {
  const { headline, outside } = progress;
  return (
    <div className="bg-white p-3 sm:p-4 dark:bg-slate-900">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{mode === "ROLLBACK" ? "Rollback progress" : "Window work"}</div>
      <div className="mt-1 text-xl font-bold tabular-nums sm:text-2xl" aria-label="Progress by planned minutes">
        {headline.percent}%
      </div>
      <ProgressBar percent={headline.percent} label="Run progress by planned minutes" tone={mode === "ROLLBACK" ? "amber" : "indigo"} />
      <div className="mt-1 text-xs text-slate-500">
        {formatMinutes(headline.doneMinutes)} of {formatMinutes(headline.totalMinutes)} planned
      </div>
      {mode === "FORWARD" && outside.totalMinutes > 0 ? (
        <div className="text-xs text-slate-500" data-testid="outside-window-progress">
          Preparation and follow-up: {formatMinutes(outside.doneMinutes)} of {formatMinutes(outside.totalMinutes)} done
        </div>
      ) : null}
    </div>
  );
}
