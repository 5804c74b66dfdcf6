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

/** A member's role in one project (the lower of it and their installation role applies there). */
export const PROJECT_ROLES = ["OPERATOR", "VIEWER"] as const;
export type ProjectRoleName = (typeof PROJECT_ROLES)[number];
export const PROJECT_ROLE_LABELS: Record<ProjectRoleName, string> = { OPERATOR: "Operator", VIEWER: "Viewer" };
export const PROJECT_VISIBILITIES = ["members", "all"] as const;
export const PROJECT_VISIBILITY_LABELS: Record<(typeof PROJECT_VISIBILITIES)[number], string> = {
  members: "Members only: viewers and operators see the projects they are members of",
  all: "Everyone: every signed-in user sees every project",
};
