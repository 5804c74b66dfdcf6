import { FleetClientStatus } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";

export const FLEET_STATUSES = enumValues(FleetClientStatus);
export type FleetStatusName = FleetClientStatus;

export const FLEET_STATUS_LABELS: Record<FleetStatusName, string> = { PENDING: "Pending", UPDATED: "Updated", VERIFIED: "Verified", FAILED: "Failed" };

/** Ids per `IN (…)` list, and so the most clients one request may name. */
export const ID_CHUNK = 5000;
