import { FleetClientStatus } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";
import type { FleetActionName } from "../runs/model";

export const FLEET_STATUSES = enumValues(FleetClientStatus);
export type FleetStatusName = FleetClientStatus;

export const FLEET_STATUS_LABELS: Record<FleetStatusName, string> = { PENDING: "Pending", UPDATED: "Updated", VERIFIED: "Verified", FAILED: "Failed" };

/** Ids per `IN (…)` list, and so the most clients one request may name. */
export const ID_CHUNK = 5000;

/** What a fleet step's action asks of each client before the step can be signed off cleanly. */
export const FLEET_DONE_STATUSES: Record<FleetActionName, readonly FleetStatusName[]> = {
  UPDATE_BPCONF: ["UPDATED", "VERIFIED"],
  CHECK_CONNECTIVITY: ["VERIFIED"],
  GENERIC: ["UPDATED", "VERIFIED"],
};
/** "verified" or "done", as the sign-off line says it. */
export const FLEET_DONE_WORD: Record<FleetActionName, string> = { UPDATE_BPCONF: "updated", CHECK_CONNECTIVITY: "verified", GENERIC: "done" };

/** The most exception host names a record lists; the counts are always complete. */
export const MAX_LISTED_EXCEPTIONS = 500;

/** A fleet step's clients at the moment it was signed off, kept on the step's record. */
export interface FleetOutcome {
  action: FleetActionName;
  total: number;
  done: number;
  counts: Record<FleetStatusName, number>;
  /** Clients not in a done state, by host name (at most MAX_LISTED_EXCEPTIONS). */
  exceptions: { hostname: string; status: FleetStatusName }[];
}

/** "9 of 10 verified, 1 exception: <reason>" — the line the run page and the PDF print. */
export function fleetOutcomeLine(outcome: FleetOutcome, exceptionReason: string): string {
  const head = `${outcome.done} of ${outcome.total} ${FLEET_DONE_WORD[outcome.action]}`;
  const missing = outcome.total - outcome.done;
  if (missing === 0) return head;
  return `${head}, ${missing} exception${missing === 1 ? "" : "s"}${exceptionReason ? `: ${exceptionReason}` : ""}`;
}

// ---------------------------------------------------------------- OS family

/**
 * What kind of client this is, which decides what a fleet step can ask of it:
 * - UNIX / WINDOWS: a NetBackup client agent with a server list (bp.conf or the registry).
 * - AGENTLESS: backed up through a hypervisor or filer (VMware, Hyper-V, NDMP, Nutanix AHV,
 *   OpenStack, RHV): there is no client agent, so no bp.conf to update and no bpcd to reach.
 * - UNKNOWN: the list didn't say (a plain name list) or said something we don't recognise.
 */
export type ClientFamily = "UNIX" | "WINDOWS" | "AGENTLESS" | "UNKNOWN";
export const CLIENT_FAMILIES: readonly ClientFamily[] = ["UNIX", "WINDOWS", "AGENTLESS", "UNKNOWN"];
export const CLIENT_FAMILY_LABELS: Record<ClientFamily, string> = { UNIX: "UNIX", WINDOWS: "Windows", AGENTLESS: "Agentless", UNKNOWN: "Unknown" };

// Checked before the OS's Windows test: "Darwin" contains "win".
export const UNIX_OS = /(linux|red\s*hat|rhel|suse|sles|debian|ubuntu|centos|oracle\s*linux|solaris|sunos|aix|hp-?ux|irix|tru64|osf|freebsd|openbsd|netbsd|darwin|mac\s*os|unix)/i;
export const WINDOWS_OS = /(^|[^a-z])win/i;
// bpplclients hardware column: "PC", "PC-x64", "PC-IA64" and, in later versions, "Windows-x64".
export const WINDOWS_HARDWARE = /^(pc(-[a-z0-9_]+)?|windows([-_][a-z0-9_]+)?)$/i;
// bpplclients hardware column of agent clients on UNIX: "Solaris", "Linux", "RS6000", "HP9000-800", "Macintosh", …
const UNIX_HARDWARE = /^(linux|solaris|rs6000|hp9000(-[a-z0-9]+)?|hp-?ux|aix|macintosh|freebsd|sgi|ibmzseries(redhat|suse)?|sequent|novell)([-_ ][a-z0-9_.]+)?$/i;
/**
 * Hardware (the first bpplclients column) of clients protected without an agent: VMware and
 * Hyper-V policies list their VMs as "VMware"/"Hyper-V", NDMP policies their filers as "NDMP".
 * The whole cell must match: "RedHat (VMware guest)" is an agent on a VM, not an agentless client.
 */
const AGENTLESS_HARDWARE = /^(vmware|hyper-?v|ndmp|nutanix([-_ ]?ahv)?|ahv|openstack|rhv|red[-_ ]?hat[-_ ]?virtuali[sz]ation|virtual[-_ ]?machine|cloud[-_ ]?vm)$/i;
/** The OS column of the same clients: "Virtual_Machine" (VMware, Hyper-V), "NDMP", or the hypervisor again. */
const AGENTLESS_OS = /^(virtual[-_ ]?machine|vmware|hyper-?v|ndmp|nutanix([-_ ]?ahv)?|ahv|openstack|rhv)$/i;

/** The family from what bpplclients or a spreadsheet says. Pure: the import preview, the tables and the fleet steps use it alike. */
export function clientFamily(client: { os?: string | null; hardware?: string | null }): ClientFamily {
  const os = (client.os ?? "").trim();
  const hardware = (client.hardware ?? "").trim();
  if (AGENTLESS_HARDWARE.test(hardware) || AGENTLESS_OS.test(os)) return "AGENTLESS";
  if (UNIX_OS.test(os)) return "UNIX";
  if (WINDOWS_OS.test(os)) return "WINDOWS";
  if (WINDOWS_HARDWARE.test(hardware)) return "WINDOWS";
  if (UNIX_HARDWARE.test(hardware)) return "UNIX";
  return "UNKNOWN";
}

/** Whether a fleet step with this action applies to a client of this family: bp.conf and connectivity need an agent. */
export function fleetStepAppliesTo(options: { action: FleetActionName | null; family: ClientFamily }): boolean {
  return options.family !== "AGENTLESS" || !(options.action === "UPDATE_BPCONF" || options.action === "CHECK_CONNECTIVITY");
}

/** The fleet actions that leave agentless clients out. */
export const AGENT_ONLY_ACTIONS: readonly FleetActionName[] = ["UPDATE_BPCONF", "CHECK_CONNECTIVITY"];

/** What a fleet step shows in place of commands and a status for a client it doesn't apply to. */
export const AGENTLESS_NOT_APPLICABLE = "n/a: agentless";
