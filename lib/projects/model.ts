import { HostnameStrategy, NetbackupVersion, PlatformPath, ProjectStatus } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";

export const PROJECT_STATUSES = enumValues(ProjectStatus);
export type ProjectStatusName = ProjectStatus;
export const HOSTNAME_STRATEGIES = enumValues(HostnameStrategy);
export const NETBACKUP_VERSIONS = enumValues(NetbackupVersion);
export type NetbackupVersionName = NetbackupVersion;
export const PLATFORM_PATHS = enumValues(PlatformPath);
export type PlatformPathName = PlatformPath;

export const NETBACKUP_VERSION_LABELS: Record<string, string> = {
  BEFORE_8_1: "Before 8.1 (7.x, 8.0)",
  V8_1_TO_9: "8.1 to 9.x",
  V10: "10.x",
} satisfies Record<NetbackupVersion, string>;

export const PLATFORM_PATH_LABELS: Record<string, string> = {
  SAME_PLATFORM: "Same OS and CPU architecture: copy /usr/openv",
  CROSS_PLATFORM: "Different OS or architecture: fresh install of the same version, then catalog recovery",
} satisfies Record<PlatformPath, string>;

/** Where a change ticket's link template puts the number. */
export const TICKET_PLACEHOLDER = "{ticket}";

/**
 * The change ticket as a link, or null when there is no ticket or no template. The number is
 * URL-encoded: a ticket typed as "CHG 42&x=1" can't add query parameters to the change system's URL.
 */
export function changeTicketUrl(project: { changeTicket: string; changeLinkTemplate: string }): string | null {
  if (!project.changeTicket || !project.changeLinkTemplate.includes(TICKET_PLACEHOLDER)) return null;
  return project.changeLinkTemplate.split(TICKET_PLACEHOLDER).join(encodeURIComponent(project.changeTicket));
}

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
