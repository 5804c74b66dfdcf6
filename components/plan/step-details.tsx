import type { ComponentProps, ReactNode } from "react";
import { StepBadges } from "./step-badges";
import { StepInstructions } from "./step-instructions";

type PlannedStep = ComponentProps<typeof StepBadges>["step"] & ComponentProps<typeof StepInstructions>["step"] & { title: string };

/**
 * A planned step as one collapsible line (the plan editor, a template's outline): number, title
 * and badges, then `meta` (who, after what) on the badge line and `actions` at the end of the
 * line; opened, the step's instructions.
 */
export function StepDetails({ number, step, meta, actions }: { number: string; step: PlannedStep; meta?: ReactNode; actions?: ReactNode }) {
  return (
    <details>
      <summary className="flex cursor-pointer list-none flex-wrap items-start gap-x-3 gap-y-1">
        <span className="w-8 shrink-0 pt-0.5 text-right font-mono text-sm font-semibold text-slate-500 dark:text-slate-400">{number}</span>
        {/* At least 14rem for the title: on a phone the actions wrap below it instead of squeezing it. */}
        <span className="min-w-0 flex-1 basis-56">
          <span className="font-medium">{step.title}</span>
          <StepBadges step={step}>{meta}</StepBadges>
        </span>
        {actions}
      </summary>
      <StepInstructions step={step} className="pl-11" />
    </details>
  );
}
