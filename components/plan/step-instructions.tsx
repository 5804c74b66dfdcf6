import { CommandBlock } from "../ui/copy-button";
import { Markdown } from "../ui/markdown";

/** What an operator needs to do a step: its details, its commands (copyable) and the check that proves it worked. */
export function StepInstructions({ step, className = "" }: { step: { details: string; commands: string; verification: string }; className?: string }) {
  return (
    // Registry paths and long commands must wrap on a phone, not widen the page.
    <div className={`mt-2 min-w-0 space-y-2 text-sm [overflow-wrap:anywhere] ${className}`}>
      <Markdown source={step.details} />
      {step.commands ? <CommandBlock commands={step.commands} /> : null}
      {step.verification ? (
        <p>
          <span className="font-semibold">Check: </span>
          {step.verification}
        </p>
      ) : null}
    </div>
  );
}
