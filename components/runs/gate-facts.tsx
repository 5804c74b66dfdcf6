import { NO_GO_OUTCOME_LABELS } from "@/lib/plan/model";
import type { RunBoardStep } from "@/lib/runs/queries";

/** What a gate asks for and has got: its No-Go outcome, a hold, and each approval with who gave it. */
export function GateFacts({ gate }: { gate: NonNullable<RunBoardStep["gate"]> }) {
  return (
    <div className="space-y-2 text-sm">
      <p>
        <span className="font-medium">A No-Go here:</span> {NO_GO_OUTCOME_LABELS[gate.noGoOutcome].toLowerCase()}.
        {gate.fourEyes ? " Four-eyes: the people who did the gated steps can't approve alone." : ""}
      </p>
      {gate.held ? (
        <p className="rounded bg-amber-50 px-2 py-1 text-amber-950 dark:bg-amber-950 dark:text-amber-100">
          Held{gate.held.by ? ` by ${gate.held.by}` : ""}: {gate.held.note}. A Go continues; a second No-Go rolls back.
        </p>
      ) : null}
      {gate.approvers.length > 0 ? (
        <ul aria-label="Approvals" className="space-y-1">
          {gate.approvers.map((a, i) => (
            <li key={i} className="flex flex-wrap gap-x-2 rounded bg-slate-50 px-2 py-1 dark:bg-slate-800">
              <span className="font-medium">{a.label}:</span>
              {a.approvedBy ? (
                <span className="text-emerald-800 dark:text-emerald-300">
                  approved by {a.approvedBy}
                  {a.note ? ` — ${a.note}` : ""}
                </span>
              ) : (
                <span className="text-slate-600 dark:text-slate-400">waiting</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
