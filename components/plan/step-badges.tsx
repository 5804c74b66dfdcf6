import type { ReactNode } from "react";
import { FLEET_PILL_LABELS, KIND_LABELS, type FleetActionName, type StepKindName } from "@/lib/runs/model";
import { formatMinutes } from "@/lib/platform/time";
import { Pill } from "../ui/status-badge";

export const kindTone: Record<StepKindName, "slate" | "violet" | "indigo" | "amber"> = { TASK: "slate", GATE: "violet", MILESTONE: "indigo", ROLLBACK: "amber" };

/** The line under a planned step's title: kind, fleet action, team, planned minutes, then `children` (who, after what). */
export function StepBadges({ step, children }: { step: { kind: StepKindName; isFleet: boolean; fleetAction: FleetActionName | null; team: string; plannedMinutes: number }; children?: ReactNode }) {
  return (
    <span className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
      {step.kind !== "TASK" ? <Pill tone={kindTone[step.kind]}>{KIND_LABELS[step.kind]}</Pill> : null}
      {step.isFleet ? <Pill tone="sky">{FLEET_PILL_LABELS[step.fleetAction ?? "GENERIC"]}</Pill> : null}
      {step.team ? <Pill>{step.team}</Pill> : null}
      <span>{formatMinutes(step.plannedMinutes)}</span>
      {children}
    </span>
  );
}
