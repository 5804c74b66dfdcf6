import type { RunbookDocument } from "./runbook-document";

/**
 * Host placeholders the built-in templates write into commands and checks. Filled with the
 * project's hosts when a project is created from a template, so the commands on the bridge call
 * are copy-and-paste ready. Anything else in angle brackets (`<client>`, `<policy>`) is a prompt
 * for the operator and stays.
 */
export const PROJECT_PLACEHOLDERS = {
  "<source-host>": "sourceHost",
  "<old-master>": "sourceHost",
  "<target-host>": "targetHost",
  "<new-master>": "targetHost",
} as const satisfies Record<string, "sourceHost" | "targetHost">;

export type ProjectPlaceholder = keyof typeof PROJECT_PLACEHOLDERS;
const PLACEHOLDERS: Record<string, "sourceHost" | "targetHost"> = PROJECT_PLACEHOLDERS;
const PATTERN = new RegExp(Object.keys(PLACEHOLDERS).join("|"), "g");

export const isProjectPlaceholder = (token: string): token is ProjectPlaceholder => Object.hasOwn(PLACEHOLDERS, token);

/**
 * Which project placeholders a project can fill: those whose host it has. For the plan check
 * (lib/plan/check.ts), which flags commands that would still hold a placeholder.
 */
export function resolvableProjectPlaceholders(hosts: { sourceHost?: string | null; targetHost?: string | null }): Set<string> {
  return new Set(Object.entries(PLACEHOLDERS).filter(([, field]) => (hosts[field] ?? "").trim() !== "").map(([token]) => token));
}

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
