/** Display names for stored enum values, shared by pages and exports. */
export const PROJECT_STATUS_LABELS: Record<string, string> = {
  PLANNING: "Planning",
  REHEARSAL: "Rehearsal",
  LIVE: "Live",
  COMPLETED: "Completed",
  ROLLED_BACK: "Rolled back",
  CANCELLED: "Cancelled",
};

export const RUN_STATUS_LABELS: Record<string, string> = {
  ACTIVE: "In progress",
  COMPLETED: "Completed",
  ROLLED_BACK: "Rolled back",
  ABORTED: "Aborted",
};

export const RUN_KIND_LABELS: Record<string, string> = { REHEARSAL: "Rehearsal", LIVE: "Live" };
export const STRATEGY_LABELS: Record<string, string> = { KEEP: "Keep hostname", RENAME: "Rename hostname" };

export const PROJECT_STATUS_TONES: Record<string, "slate" | "indigo" | "amber" | "rose" | "emerald" | "sky" | "violet"> = {
  PLANNING: "slate",
  REHEARSAL: "violet",
  LIVE: "sky",
  COMPLETED: "emerald",
  ROLLED_BACK: "amber",
  CANCELLED: "rose",
};
