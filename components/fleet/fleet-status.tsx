import { CLIENT_FAMILY_LABELS, FLEET_STATUS_LABELS, type ClientFamily, type FleetStatusName } from "@/lib/fleet/model";
import { Pill } from "../ui/status-badge";

const styles: Record<FleetStatusName, string> = {
  PENDING: "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600",
  UPDATED: "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
  VERIFIED: "bg-emerald-100 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800",
  FAILED: "bg-rose-100 text-rose-800 ring-rose-300 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-800",
};

export const FLEET_BAR_COLORS: Record<FleetStatusName, string> = { PENDING: "bg-slate-300 dark:bg-slate-700", UPDATED: "bg-sky-500", VERIFIED: "bg-emerald-600", FAILED: "bg-rose-600" };

const icons: Record<FleetStatusName, string> = { PENDING: "○", UPDATED: "◐", VERIFIED: "✓", FAILED: "✕" };

export function FleetStatusBadge({ status }: { status: FleetStatusName }) {
  return (
    <span className={`inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${styles[status]}`}>
      <span aria-hidden="true">{icons[status]}</span>
      {FLEET_STATUS_LABELS[status]}
    </span>
  );
}

export const osFamilyLabel = (family: ClientFamily) => CLIENT_FAMILY_LABELS[family];

const FAMILY_TONES: Record<ClientFamily, "sky" | "slate" | "violet" | "amber"> = { WINDOWS: "sky", UNIX: "slate", AGENTLESS: "violet", UNKNOWN: "amber" };

/** A client's OS family, as the fleet tables show it. */
export function OsFamilyPill({ family }: { family: ClientFamily }) {
  return <Pill tone={FAMILY_TONES[family]}>{osFamilyLabel(family)}</Pill>;
}
