import type { PlanCheckFinding, PlanCheckResult } from "@/lib/plan/check";
import { formatMinutes } from "@/lib/platform/time";

const SEVERITY = {
  error: { icon: "✕", label: "Problem", tone: "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-100" },
  warning: { icon: "!", label: "Warning", tone: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" },
  info: { icon: "✓", label: "OK", tone: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100" },
} as const;

/** "2 problems, 1 warning" or "No problems". */
export function planCheckHeadline(result: PlanCheckResult): string {
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.filter((f) => f.severity === "warning").length;
  if (errors + warnings === 0) return "No problems";
  const parts = [errors > 0 ? `${errors} problem${errors === 1 ? "" : "s"}` : null, warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : null].filter(Boolean);
  return parts.join(", ");
}

/**
 * The plan check's findings, worst first, each linked to the steps it is about (anchors on the
 * plan below). `compact` leaves out the "fits" line and the figures, for the start-run dialog.
 */
export function PlanCheckPanel({ result, stepLabels, compact = false, headingId }: { result: PlanCheckResult; stepLabels: Record<string, string>; compact?: boolean; headingId?: string }) {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const findings = [...result.findings].filter((f) => !compact || f.severity !== "info").sort((a, b) => order[a.severity] - order[b.severity]);
  return (
    <section aria-labelledby={headingId} className="space-y-2" data-testid="plan-check">
      {headingId ? (
        <h3 id={headingId} className="text-sm font-semibold">
          Plan check: {planCheckHeadline(result)}
        </h3>
      ) : null}
      {!compact ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Critical path inside the window {formatMinutes(result.criticalPathMinutes)}
          {result.rollbackDeadlineMinute !== null ? ` · rollback deadline ${formatMinutes(result.rollbackDeadlineMinute)} after the window opens (rollback takes ${formatMinutes(result.rollbackMinutes)})` : " · no rollback steps"}
          {result.lastGateFinishMinute !== null ? ` · last go/no-go planned at ${formatMinutes(result.lastGateFinishMinute)}` : ""}
        </p>
      ) : null}
      {findings.length === 0 ? null : (
        <ul className="space-y-1.5">
          {findings.map((finding, index) => (
            <FindingItem key={`${finding.code}-${index}`} finding={finding} stepLabels={stepLabels} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FindingItem({ finding, stepLabels }: { finding: PlanCheckFinding; stepLabels: Record<string, string> }) {
  const style = SEVERITY[finding.severity];
  const steps = finding.stepIds.filter((id) => stepLabels[id]);
  return (
    <li className={`rounded-md border px-3 py-2 text-sm ${style.tone}`}>
      <span aria-hidden="true" className="mr-1.5 font-bold">
        {style.icon}
      </span>
      <span className="sr-only">{style.label}: </span>
      {finding.message}
      {steps.length > 0 ? (
        <span className="mt-1 flex flex-wrap gap-x-2 gap-y-0.5 text-xs">
          {steps.slice(0, 12).map((id) => (
            <a key={id} href={`#step-${id}`} className="underline underline-offset-2">
              {stepLabels[id]}
            </a>
          ))}
          {steps.length > 12 ? <span>and {steps.length - 12} more</span> : null}
        </span>
      ) : null}
    </li>
  );
}
