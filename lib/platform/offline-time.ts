import { ValidationError } from "./errors";

/** Tolerated clock skew for offline-queued timestamps that claim to be in the future. */
const FUTURE_SKEW_MS = 60_000;

/**
 * The time an action taken offline is recorded with: the device's tap time, kept within
 * [run start, now]. More than a minute in the future or before the run began is a device-clock
 * problem, refused so it can't land in the record; a few seconds ahead is clamped to now.
 */
export function boundedOfflineTime(options: { occurredAt: Date | undefined; runStartedAt: Date; now: Date }): Date {
  const { occurredAt, runStartedAt, now } = options;
  if (!occurredAt) return now;
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    throw new ValidationError("That action's time is in the future; check the device clock.", { occurredAt: ["In the future."] });
  }
  if (occurredAt.getTime() < runStartedAt.getTime()) {
    throw new ValidationError("That action's time is before the run started.", { occurredAt: ["Before the run started."] });
  }
  return occurredAt.getTime() > now.getTime() ? now : occurredAt;
}
