import type { RunbookSummary } from "@/lib/templates/summary";
import { formatMinutes } from "@/lib/platform/time";
import { Pill } from "../ui/status-badge";
import { Table, TableBody, TableHead } from "../ui/table";

/**
 * The preview of a plan before anything is created from it: phases with step counts and minutes,
 * the planned work, the critical path inside the window and the rollback time. Given the window
 * length, it also says whether the cutover fits.
 */
export function TemplateSummary({ summary, windowMinutes, headingLevel = 3 }: { summary: RunbookSummary; windowMinutes?: number | null; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const fits = windowMinutes !== undefined && windowMinutes !== null && windowMinutes > 0 ? windowMinutes - summary.criticalPathMinutes : null;
  return (
    <section aria-label={`Preview of ${summary.name}`} className="space-y-4">
      <div>
        <Heading className="font-semibold">{summary.name}</Heading>
        {summary.description ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{summary.description}</p> : null}
      </div>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <Stat label="Steps" value={`${summary.forwardStepCount} + ${summary.rollbackStepCount} rollback`} />
        <Stat label="Planned work" value={formatMinutes(summary.plannedMinutes)} />
        <Stat label="Cutover critical path" value={formatMinutes(summary.criticalPathMinutes)} hint={`${formatMinutes(summary.windowMinutes)} of work inside the window`} />
        <Stat label="Rollback takes" value={formatMinutes(summary.rollbackMinutes)} />
      </dl>
      <p className="flex flex-wrap gap-1.5 text-xs">
        <Pill>{plural(summary.phaseCount, "phase")}</Pill>
        {summary.gateCount ? <Pill tone="violet">{plural(summary.gateCount, "go/no-go gate")}</Pill> : null}
        {summary.fleetStepCount ? <Pill tone="sky">{plural(summary.fleetStepCount, "fleet step")}</Pill> : null}
      </p>
      {fits !== null ? (
        <p
          role="status"
          className={`rounded-md px-3 py-2 text-sm ring-1 ${fits >= 0 ? "bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900" : "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900"}`}
        >
          {fits >= 0
            ? `The cutover's critical path fits the ${formatMinutes(windowMinutes!)} window with ${formatMinutes(fits)} to spare.`
            : `The cutover's critical path is ${formatMinutes(-fits)} longer than the ${formatMinutes(windowMinutes!)} window.`}
          {summary.rollbackMinutes > 0 ? ` A rollback must start by window end − ${formatMinutes(summary.rollbackMinutes)}.` : ""}
        </p>
      ) : null}
      <Table caption={`Phases of ${summary.name}`}>
        <TableHead>
          <th scope="col" className="py-1.5 pr-3 font-medium">
            Phase
          </th>
          <th scope="col" className="py-1.5 pr-3 text-right font-medium">
            Steps
          </th>
          <th scope="col" className="py-1.5 text-right font-medium">
            Planned
          </th>
        </TableHead>
        <TableBody>
          {summary.phases.map((phase, index) => (
            <tr key={index}>
              <td className="py-1.5 pr-3">
                {phase.title}
                {phase.inWindow ? <span className="ml-1.5 text-xs text-slate-500">· in window</span> : null}
              </td>
              <td className="py-1.5 pr-3 text-right tabular-nums">{phase.stepCount}</td>
              <td className="py-1.5 text-right tabular-nums">{formatMinutes(phase.plannedMinutes + phase.rollbackMinutes)}</td>
            </tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}
