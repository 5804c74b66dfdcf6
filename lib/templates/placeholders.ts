import type { RunbookDocument } from "./runbook-document";

/**
 * Host placeholders the built-in templates write into commands and checks. Filled with the
 * project's hosts when a project is created from a template, so the commands on the bridge call
 * are copy-and-paste ready. Anything else in angle brackets (`<client>`, `<policy>`) is a prompt
 * for the operator and stays.
 */
const PLACEHOLDERS: Record<string, "sourceHost" | "targetHost"> = {
  "<source-host>": "sourceHost",
  "<old-master>": "sourceHost",
  "<target-host>": "targetHost",
  "<new-master>": "targetHost",
};
const PATTERN = new RegExp(Object.keys(PLACEHOLDERS).join("|"), "g");

export function fillHostPlaceholders(document: RunbookDocument, hosts: { sourceHost: string; targetHost: string }): RunbookDocument {
  const fill = (text: string) => text.replace(PATTERN, (match) => hosts[PLACEHOLDERS[match]]);
  return {
    ...document,
    phases: document.phases.map((phase) => ({
      ...phase,
      steps: phase.steps.map((step) => ({
        ...step,
        title: fill(step.title),
        details: fill(step.details),
        commands: fill(step.commands),
        verification: fill(step.verification),
      })),
    })),
  };
}
