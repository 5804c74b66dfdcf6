import type { RunbookDocument } from "@/lib/templates/runbook-document";
import { Card } from "../ui/card";
import { PhaseHeading } from "../plan/phase-heading";
import { StepDetails } from "../plan/step-details";

/** A template's phases and steps, read-only: what a project created from it will contain. */
export function TemplateOutline({ document }: { document: RunbookDocument }) {
  return (
    <div className="space-y-4">
      {document.phases.map((phase, index) => (
        <Card key={index} aria-label={`Template phase ${phase.title}`}>
          <div className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
            <PhaseHeading index={index} phase={phase} />
          </div>
          <ol className="divide-y divide-slate-100 dark:divide-slate-800">
            {phase.steps.map((step) => (
              <li key={step.key} className="px-4 py-2.5">
                <StepDetails number={step.key} step={step} meta={step.predecessors.length ? <span>· after {step.predecessors.join(", ")}</span> : null} />
              </li>
            ))}
          </ol>
        </Card>
      ))}
    </div>
  );
}
