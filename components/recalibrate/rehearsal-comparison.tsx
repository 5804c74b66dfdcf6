"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { apiRequest, getJson, isAborted } from "@/lib/platform/http/api-client";
import { OUTLIER_LABELS, type RecalibrationBasis, type RecalibrationRow, type RehearsalComparison, type WindowEffect } from "@/lib/recalibrate/model";
import { RUN_STATUS_LABELS } from "@/lib/runs/model";
import { formatInZone, formatMinutes } from "@/lib/platform/time";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FormError, FormSuccess } from "../ui/field";
import { Table, TableBody, TableHead } from "../ui/table";

interface Preview {
  comparison: RehearsalComparison;
  runIds: string[];
  basis: RecalibrationBasis;
  rows: RecalibrationRow[];
  /** Why nothing is proposed although rehearsals exist (they are all still in progress). */
  notice: string | null;
  windowEffect: WindowEffect;
}

/** Rehearsal columns shown in the comparison table; the recalibration can still use every rehearsal. */
const MAX_COLUMNS = 4;

const BASIS_LABELS: Record<RecalibrationBasis, { title: string; text: string }> = {
  last: { title: "Last rehearsal", text: "Each step's time in the newest chosen rehearsal. Steps it didn't finish keep their plan." },
  median: { title: "Median", text: "The middle of the chosen rehearsals' times (two middle values: their mean)." },
  worst: { title: "Worst", text: "The longest time any chosen rehearsal took: the cautious plan." },
};

const signed = (minutes: number) => (minutes > 0 ? `+${formatMinutes(minutes)}` : minutes < 0 ? formatMinutes(minutes) : "±0");

/**
 * "Rehearsals that teach the plan" on the project page: each rehearsal's actual minutes next to
 * the plan, step by step, and — for admins — "Recalibrate from rehearsal": pick the basis and
 * the rehearsals, review the new planned minutes, apply them in one audited change.
 *
 * It loads its own data from /api/projects/:id/recalibrate, so the page only passes ids. Pass a
 * `refreshKey` that changes when runs change (e.g. their ids and statuses) to reload it.
 */
export function RehearsalComparisonPanel({ projectId, timeZone, canRecalibrate, refreshKey = "" }: { projectId: string; timeZone: string; canRecalibrate: boolean; refreshKey?: string }) {
  const router = useRouter();
  const ids = useId();
  const [basis, setBasis] = useState<RecalibrationBasis>("median");
  /** null = the server's default: every rehearsal that has ended (also ones that end later). */
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [data, setData] = useState<Preview | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [applyError, setApplyError] = useState<string | null>(null);
  const [applied, setApplied] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [reloads, setReloads] = useState(0);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      const query = new URLSearchParams({ basis });
      if (chosen && chosen.length > 0) query.set("runs", chosen.join(","));
      const result = await getJson<Preview>(`/api/projects/${projectId}/recalibrate?${query}`, { signal });
      if (!result.ok) {
        if (!isAborted(result.error)) setLoadError(result.error.message);
        return;
      }
      setLoadError(null);
      setData(result.data);
    },
    [basis, chosen, projectId],
  );

  // Live updates can arrive in bursts (a rehearsal ticking along): coalesce them into one reload.
  const firstLoad = useRef(true);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => void load(controller.signal), firstLoad.current ? 0 : 400);
    firstLoad.current = false;
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [load, refreshKey, reloads]);

  // A tab left open during a rehearsal catches up when the admin comes back to it.
  useEffect(() => {
    const onFocus = () => setReloads((n) => n + 1);
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, []);

  async function apply() {
    if (!data) return;
    setApplying(true);
    setApplyError(null);
    setApplied(null);
    const result = await apiRequest<{ changed: number; totalChange: number }>("POST", `/api/projects/${projectId}/recalibrate`, {
      basis,
      runIds: chosen ?? [],
      expected: data.rows.map((r) => ({ stepId: r.stepId, version: r.version, newMinutes: r.newMinutes })),
    });
    setApplying(false);
    if (!result.ok) {
      setApplyError(result.error.message);
      setReloads((n) => n + 1);
      return;
    }
    setApplied(`Updated the planned minutes of ${result.data.changed} step${result.data.changed === 1 ? "" : "s"} (${signed(result.data.totalChange)} in total). The forecast uses them from now on.`);
    setReloads((n) => n + 1);
    router.refresh();
  }

  function toggleRun(runId: string, on: boolean) {
    const all = data?.comparison.rehearsals.map((r) => r.id) ?? [];
    const current = chosen ?? data?.runIds ?? [];
    const next = on ? all.filter((id) => id === runId || current.includes(id)) : current.filter((id) => id !== runId);
    setChosen(next);
  }

  const rehearsals = data?.comparison.rehearsals ?? [];
  const columns = rehearsals.slice(0, MAX_COLUMNS);
  const measured = data?.comparison.steps.filter((s) => Object.keys(s.actuals).length > 0) ?? [];
  const steps = showAll ? (data?.comparison.steps ?? []) : measured;
  // What the admin ticked shows at once; the preview below follows when the server has recomputed it.
  const selected = new Set(chosen ?? data?.runIds ?? []);
  const newestChosen = rehearsals.find((r) => selected.has(r.id));

  return (
    <Card className="p-4 sm:p-5" aria-labelledby={`${ids}-heading`} data-panel="rehearsal-comparison">
      <h2 id={`${ids}-heading`} className="text-lg font-bold">
        Rehearsals vs plan
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">What each rehearsal actually took, step by step, against the planned minutes.</p>
      <FormError message={loadError} />
      {!data && !loadError ? (
        <p className="mt-3 text-sm text-slate-500" aria-busy="true">
          Loading…
        </p>
      ) : null}
      {data && rehearsals.length === 0 ? (
        <p className="mt-3 rounded-lg border-2 border-dashed border-slate-300 p-5 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No rehearsal has measured a step yet. Start a rehearsal and use Start and Done on each step: the actual durations appear here, and the plan can learn from them.
        </p>
      ) : null}

      {data && rehearsals.length > 0 ? (
        <>
          <Table caption="Planned and actual minutes per step" scrollClassName="mt-3" className="min-w-[36rem]">
            <TableHead>
              <th scope="col" className="py-1.5 pr-2 font-medium">
                #
              </th>
              <th scope="col" className="py-1.5 pr-2 font-medium">
                Step
              </th>
              <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                Planned
              </th>
              {columns.map((run) => (
                <th key={run.id} scope="col" className="py-1.5 pr-2 text-right font-medium normal-case">
                  <span className="block">{run.name}</span>
                  <span className="block text-[11px] font-normal">
                    {formatInZone(run.startedAt, timeZone, "date")} · {RUN_STATUS_LABELS[run.status] ?? run.status}
                  </span>
                </th>
              ))}
            </TableHead>
            <TableBody>
              {steps.map((step) => (
                <tr key={step.id}>
                  <td className="py-1.5 pr-2 font-mono text-xs font-semibold text-slate-500">{step.number}</td>
                  <td className="py-1.5 pr-2">{step.title}</td>
                  <td className="py-1.5 pr-2 text-right tabular-nums">{formatMinutes(step.plannedMinutes)}</td>
                  {columns.map((run) => {
                    const actual = step.actuals[run.id];
                    const outlier = step.outliers?.[run.id];
                    if (outlier) {
                      return (
                        <td key={run.id} className="py-1.5 pr-2 text-right tabular-nums text-slate-500">
                          <span className="line-through">{formatMinutes(outlier.minutes)}</span>{" "}
                          <span className="text-xs font-medium text-amber-800 dark:text-amber-300">⚑ left out: {OUTLIER_LABELS[outlier.reason]}</span>
                        </td>
                      );
                    }
                    if (actual === undefined) {
                      return (
                        <td key={run.id} className="py-1.5 pr-2 text-right text-slate-500">
                          <span aria-label="not measured">—</span>
                        </td>
                      );
                    }
                    const diff = actual - step.plannedMinutes;
                    return (
                      <td key={run.id} className="py-1.5 pr-2 text-right tabular-nums">
                        {formatMinutes(actual)}
                        {diff !== 0 ? " " : null}
                        {diff !== 0 ? <span className={`text-xs ${diff > 0 ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300"}`}>({signed(diff)})</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </TableBody>
          </Table>
          <p className="mt-2 flex flex-wrap items-center gap-3 text-xs text-slate-600 dark:text-slate-400">
            <span>
              {measured.length} of {data.comparison.steps.length} steps measured
              {rehearsals.length > MAX_COLUMNS ? ` · the ${MAX_COLUMNS} newest of ${rehearsals.length} rehearsals shown` : ""}. Steps finished without being started have no duration.
            </span>
            <button type="button" className="font-semibold text-indigo-700 underline dark:text-indigo-300" onClick={() => setShowAll((v) => !v)}>
              {showAll ? "Show measured steps only" : "Show every step"}
            </button>
          </p>

          {canRecalibrate ? (
            <section aria-labelledby={`${ids}-recalibrate`} className="mt-6 border-t border-slate-200 pt-5 dark:border-slate-800">
              <h3 id={`${ids}-recalibrate`} className="font-semibold">
                Recalibrate from rehearsal
              </h3>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Set the planned minutes from what the rehearsals took. Rounded to whole minutes; steps without actuals keep their plan.
              </p>
              <div className="mt-3 grid gap-4 md:grid-cols-2">
                <fieldset>
                  <legend className="text-sm font-medium">Basis</legend>
                  <div className="mt-1 space-y-1.5">
                    {(Object.keys(BASIS_LABELS) as RecalibrationBasis[]).map((value) => (
                      <label key={value} className="flex gap-2 text-sm">
                        <input type="radio" name={`${ids}-basis`} value={value} checked={basis === value} onChange={() => setBasis(value)} className="mt-1" />
                        <span>
                          <span className="font-medium">
                            {BASIS_LABELS[value].title}
                            {value === "last" && newestChosen ? ` (${newestChosen.name})` : ""}
                          </span>
                          <span className="block text-xs text-slate-600 dark:text-slate-400">{BASIS_LABELS[value].text}</span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
                <fieldset>
                  <legend className="text-sm font-medium">Rehearsals to learn from</legend>
                  <div className="mt-1 space-y-1.5">
                    {rehearsals.map((run) => (
                      <label key={run.id} className="flex gap-2 text-sm">
                        <input type="checkbox" checked={selected.has(run.id)} onChange={(e) => toggleRun(run.id, e.target.checked)} className="mt-1" disabled={selected.has(run.id) && selected.size === 1} />
                        <span>
                          {run.name}
                          {run.status === "ACTIVE" ? <span className="ml-1 text-xs font-semibold text-amber-800 dark:text-amber-300">still in progress: used only if ticked</span> : null}
                          <span className="block text-xs text-slate-600 dark:text-slate-400">
                            {formatInZone(run.startedAt, timeZone)} · {RUN_STATUS_LABELS[run.status] ?? run.status} · {run.measuredSteps} steps measured
                          </span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              </div>

              {data.notice ? (
                <p role="status" className="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                  {data.notice}
                </p>
              ) : data.rows.length === 0 ? (
                <p role="status" className="mt-4 text-sm text-slate-600 dark:text-slate-400">
                  Nothing to change: with this basis every measured step already matches its plan.
                </p>
              ) : (
                <Table aria-label="Recalibration preview" scrollClassName="mt-4">
                  <TableHead>
                    <th scope="col" className="py-1.5 pr-2 font-medium">
                      #
                    </th>
                    <th scope="col" className="py-1.5 pr-2 font-medium">
                      Step
                    </th>
                    <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                      Current plan
                    </th>
                    <th scope="col" className="py-1.5 pr-2 text-right font-medium">
                      New plan
                    </th>
                    <th scope="col" className="py-1.5 text-right font-medium">
                      Change
                    </th>
                  </TableHead>
                  <TableBody>
                    {data.rows.map((row) => (
                      <tr key={row.stepId}>
                        <td className="py-1.5 pr-2 font-mono text-xs font-semibold text-slate-500">{row.number}</td>
                        <td className="py-1.5 pr-2">{row.title}</td>
                        <td className="whitespace-nowrap py-1.5 pr-2 text-right tabular-nums">{formatMinutes(row.currentMinutes)}</td>
                        <td className="whitespace-nowrap py-1.5 pr-2 text-right font-semibold tabular-nums">{formatMinutes(row.newMinutes)}</td>
                        <td className={`whitespace-nowrap py-1.5 text-right tabular-nums ${row.change > 0 ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300"}`}>{signed(row.change)}</td>
                      </tr>
                    ))}
                  </TableBody>
                  <tfoot>
                    <tr className="border-t border-slate-300 font-semibold dark:border-slate-700">
                      <td className="py-1.5 pr-2" />
                      <th scope="row" className="py-1.5 pr-2 text-left">
                        {data.rows.length} step{data.rows.length === 1 ? "" : "s"}
                      </th>
                      <td className="whitespace-nowrap py-1.5 pr-2 text-right tabular-nums">{formatMinutes(data.rows.reduce((t, r) => t + r.currentMinutes, 0))}</td>
                      <td className="whitespace-nowrap py-1.5 pr-2 text-right tabular-nums">{formatMinutes(data.rows.reduce((t, r) => t + r.newMinutes, 0))}</td>
                      <td className="whitespace-nowrap py-1.5 text-right tabular-nums">{signed(data.rows.reduce((t, r) => t + r.change, 0))}</td>
                    </tr>
                  </tfoot>
                </Table>
              )}
              {data.rows.length > 0 ? <WindowEffectLine effect={data.windowEffect} /> : null}
              <FormError message={applyError} />
              <FormSuccess message={applied} className="mt-3" />
              {data.rows.length > 0 ? (
                <div className="mt-3">
                  <Button onClick={apply} disabled={applying}>
                    {applying ? "Applying…" : `Apply to ${data.rows.length} step${data.rows.length === 1 ? "" : "s"}`}
                  </Button>
                </div>
              ) : null}
            </section>
          ) : null}
        </>
      ) : null}
    </Card>
  );
}

/** The cutover's critical path with today's plan and with the proposal, against the window. */
function WindowEffectLine({ effect }: { effect: WindowEffect }) {
  const fits = (minutes: number) => minutes <= effect.windowMinutes;
  return (
    <p className={`mt-3 rounded-md p-3 text-sm ${fits(effect.afterMinutes) ? "bg-slate-100 dark:bg-slate-800" : "bg-rose-50 text-rose-900 dark:bg-rose-950 dark:text-rose-100"}`} data-testid="window-effect">
      Critical path inside the window: {formatMinutes(effect.beforeMinutes)} → <span className="font-semibold">{formatMinutes(effect.afterMinutes)}</span> of a {formatMinutes(effect.windowMinutes)} window
      {fits(effect.afterMinutes)
        ? ` (${formatMinutes(effect.windowMinutes - effect.afterMinutes)} to spare).`
        : `: the plan would overrun the window by ${formatMinutes(effect.afterMinutes - effect.windowMinutes)}.`}
    </p>
  );
}
