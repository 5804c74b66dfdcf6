import type { RunbookDocument } from "@/lib/templates/runbook-document";
import { Card } from "../ui/card";
import { StepInstructions } from "../plan/step-instructions";
import { PhaseHeading } from "../plan/phase-heading";
import { StepBadges } from "../plan/step-badges";


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
                <details>
                  <summary className="flex cursor-pointer list-none gap-3">
                    <span className="w-8 shrink-0 text-right font-mono text-sm font-semibold text-slate-500">{step.key}</span>
                    <span className="min-w-0 flex-1">
                      <span className="font-medium">{step.title}</span>
                      <StepBadges step={step}>{step.predecessors.length ? <span>· after {step.predecessors.join(", ")}</span> : null}</StepBadges>
                    </span>
                  </summary>
                  <StepInstructions step={step} className="pl-11" />
                </details>
              </li>
            ))}
          </ol>
        </Card>
      ))}
    </div>
  );
}
