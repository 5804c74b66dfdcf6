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
