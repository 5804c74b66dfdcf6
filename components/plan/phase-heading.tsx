import { formatMinutes } from "@/lib/platform/time";

/** "Phase 2 · Prepare the new server" with its step count, planned time and window flag. */
export function PhaseHeading({ index, phase }: { index: number; phase: { title: string; description: string; inWindow: boolean; steps: readonly { plannedMinutes: number }[] } }) {
  return (
    <div>
      <h3 className="font-semibold">
        <span className="text-slate-500 dark:text-slate-400">Phase {index + 1} · </span>
        {phase.title}
      </h3>
      <p className="text-xs text-slate-500">
        {phase.steps.length} steps · {formatMinutes(phase.steps.reduce((total, step) => total + step.plannedMinutes, 0))}
        {phase.inWindow ? " · inside the window" : ""}
        {phase.description ? ` · ${phase.description}` : ""}
      </p>
    </div>
  );
}
