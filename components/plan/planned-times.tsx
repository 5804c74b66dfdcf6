import { formatInZone, zoneAbbreviation } from "@/lib/platform/time";

/** "22:40–23:55 CET": a step's planned start and finish on the project's clock. */
export function plannedRange(planned: { start: string; finish: string }, timeZone: string): string {
  return `${formatInZone(planned.start, timeZone, "time")}–${formatInZone(planned.finish, timeZone, "time")} ${zoneAbbreviation(planned.finish, timeZone)}`;
}

/**
 * A plan step's timing facts, as the plan list and sheet show them: its planned clock times (for
 * in-window forward steps), "⏱ not before 22:00" on a fixed-time step and "+15 min after 14" for
 * each lag. Nothing for a step that has none of them.
 */
export function PlannedTimes({
  step,
  timeZone,
  numberOf,
}: {
  step: { planned: { start: string; finish: string; fixed: boolean } | null; notBefore: string; predecessorLags: Record<string, number> };
  timeZone: string;
  numberOf: ReadonlyMap<string, string>;
}) {
  const lags = Object.entries(step.predecessorLags).filter(([, minutes]) => minutes > 0);
  if (!step.planned && !step.notBefore && lags.length === 0) return null;
  return (
    <>
      {step.planned ? <span>· planned {plannedRange(step.planned, timeZone)}</span> : null}
      {step.notBefore ? (
        <span className={step.planned?.fixed ? "font-medium text-amber-800 dark:text-amber-300" : undefined} title={step.planned?.fixed ? "This time, not a predecessor, sets the step's start." : undefined}>
          · ⏱ not before {step.notBefore}
        </span>
      ) : null}
      {lags.map(([id, minutes]) => (
        <span key={id}>
          · +{minutes} min after {numberOf.get(id) ?? "?"}
        </span>
      ))}
    </>
  );
}
