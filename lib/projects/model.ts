import { HostnameStrategy, ProjectStatus } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";

export const PROJECT_STATUSES = enumValues(ProjectStatus);
export type ProjectStatusName = ProjectStatus;
export const HOSTNAME_STRATEGIES = enumValues(HostnameStrategy);

/** Display names for stored enum values, shared by pages and exports. */
export const PROJECT_STATUS_LABELS: Record<string, string> = {
  PLANNING: "Planning",
  REHEARSAL: "Rehearsal",
  LIVE: "Live",
  COMPLETED: "Completed",
  ROLLED_BACK: "Rolled back",
  CANCELLED: "Cancelled",
} satisfies Record<ProjectStatusName, string>;

export const STRATEGY_LABELS: Record<string, string> = { KEEP: "Keep hostname", RENAME: "Rename hostname" } satisfies Record<HostnameStrategy, string>;

export const PROJECT_STATUS_TONES: Record<string, "slate" | "indigo" | "amber" | "rose" | "emerald" | "sky" | "violet"> = {
  PLANNING: "slate",
  REHEARSAL: "violet",
  LIVE: "sky",
  COMPLETED: "emerald",
  ROLLED_BACK: "amber",
  CANCELLED: "rose",
} satisfies Record<ProjectStatusName, "slate" | "indigo" | "amber" | "rose" | "emerald" | "sky" | "violet">;
