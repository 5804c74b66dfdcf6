import { SNAPSHOT_FIELD_LABELS, type PlanDiff, type PlanDiffPhase, type PlanDiffStep } from "@/lib/plan/snapshot";
import { Pill } from "../ui/status-badge";

const CHANGE_TONE = { added: "emerald", removed: "rose", changed: "indigo" } as const;
const PHASE_FIELD_LABELS: Record<PlanDiffPhase["fields"][number]["field"], string> = { title: "Title", description: "Description", inWindow: "Inside the window", position: "Position" };

/** Long values (details, commands) are cut for the list; the plan itself has them whole. */
const brief = (value: string) => (value.length > 140 ? `${value.slice(0, 140)}…` : value);

/**
 * A plan diff as a list a change board can read: each added, removed or changed phase and step,
 * with every changed field's old and new value. `note` adds a remark to a step's line.
 */
export function PlanDiffList({ diff, note }: { diff: PlanDiff; note?: (step: PlanDiffStep) => string | null }) {
  if (diff.empty) return <p className="text-sm text-slate-600 dark:text-slate-400">No differences.</p>;
  return (
    <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
      {diff.phases.map((phase) => (
        <li key={`phase-${phase.id}`} className="py-2">
          <div className="flex flex-wrap items-center gap-2">
            <Pill tone={CHANGE_TONE[phase.change]}>Phase {phase.change}</Pill>
            <span className="font-medium">{phase.title}</span>
          </div>
          <Changes fields={phase.fields.map((f) => ({ label: PHASE_FIELD_LABELS[f.field], before: f.before, after: f.after }))} />
        </li>
      ))}
      {diff.steps.map((step) => {
        const remark = note?.(step) ?? null;
        return (
          <li key={`step-${step.id}`} className="py-2">
            <div className="flex flex-wrap items-center gap-2">
              <Pill tone={CHANGE_TONE[step.change]}>Step {step.change}</Pill>
              <span className="font-medium [overflow-wrap:anywhere]">{step.title}</span>
              {remark ? <span className="text-xs text-amber-800 dark:text-amber-300">{remark}</span> : null}
            </div>
            <Changes fields={step.fields.map((f) => ({ label: SNAPSHOT_FIELD_LABELS[f.field], before: f.before, after: f.after }))} />
          </li>
        );
      })}
    </ul>
  );
}

function Changes({ fields }: { fields: { label: string; before: string; after: string }[] }) {
  if (fields.length === 0) return null;
  return (
    <dl className="mt-1 grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs">
      {fields.map((f) => (
        <div key={f.label} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{f.label}</dt>
          <dd className="min-w-0 [overflow-wrap:anywhere]">
            <del className="text-rose-700 decoration-rose-400 dark:text-rose-300">{brief(f.before)}</del>
            <span aria-hidden="true"> → </span>
            <span className="sr-only"> changed to </span>
            <ins className="text-emerald-800 no-underline dark:text-emerald-300">{brief(f.after)}</ins>
          </dd>
        </div>
      ))}
    </dl>
  );
}
