import "server-only";
import { onAuditCommitted } from "../platform/db/transaction";
import { processAuditEvents, sendPendingEmails, sweepNotifications } from "./service";

/*
 * The notification loop: follow the audit log, sweep the clock-based rules, send queued email.
 * One tick at a time per process (a slow SMTP relay never stacks ticks). Idle, a tick is three
 * small indexed reads.
 */
const TICK_MS = 30_000;

/** After a commit, how long to wait for more before following the log: a burst of ticks becomes one pass. */
const AFTER_COMMIT_MS = 250;
/**
 * Commit-started passes begin at least this far apart. A pass reads every run that changed (all
 * its steps), so at four passes a second a burst of sign-offs paid about a quarter of its
 * throughput for them (bench/signoff.ts; the passes then also held PostgreSQL's audit chain lock,
 * which they no longer do, see processAuditEvents). A single tick is still followed within
 * AFTER_COMMIT_MS.
 */
const BETWEEN_PASSES_MS = 1000;

const globalForDispatcher = globalThis as unknown as {
  runsheetNotificationTimer?: NodeJS.Timeout;
  runsheetNotificationBusy?: boolean;
  runsheetNotificationAgain?: boolean;
  runsheetNotificationSoon?: NodeJS.Timeout | null;
  runsheetNotificationFollowedAt?: number;
};

/**
 * One pass, with an injectable clock (tests). A call while a pass runs makes that pass go round
 * once more. `sweep: false` (after a commit) only follows the log and sends: the clock-based sweep
 * runs on the 30 s tick, so a burst of sign-offs doesn't sweep every active run each time.
 */
export async function runNotificationTick(options: { now?: Date; sweep?: boolean } = {}): Promise<void> {
  if (globalForDispatcher.runsheetNotificationBusy) {
    globalForDispatcher.runsheetNotificationAgain = true;
    return;
  }
  globalForDispatcher.runsheetNotificationBusy = true;
  try {
    do {
      globalForDispatcher.runsheetNotificationAgain = false;
      await processAuditEvents({ now: options.now });
      if (options.sweep !== false) await sweepNotifications({ now: options.now });
      await sendPendingEmails({ now: options.now });
    } while (globalForDispatcher.runsheetNotificationAgain);
  } finally {
    globalForDispatcher.runsheetNotificationBusy = false;
  }
}

/** How long after a commit its pass starts: AFTER_COMMIT_MS, and no sooner than BETWEEN_PASSES_MS after the last one began. */
export function followDelayMs(options: { now: number; lastFollowAt: number | null }): number {
  if (options.lastFollowAt === null) return AFTER_COMMIT_MS;
  return Math.max(AFTER_COMMIT_MS, options.lastFollowAt + BETWEEN_PASSES_MS - options.now);
}

/** Starts the loop once per process (instrumentation.ts). RUNSHEET_NOTIFY_TICK_MS shortens it (e2e). */
export function startNotificationDispatcher(): void {
  if (globalForDispatcher.runsheetNotificationTimer) return;
  const ms = Number(process.env.RUNSHEET_NOTIFY_TICK_MS) >= 200 ? Number(process.env.RUNSHEET_NOTIFY_TICK_MS) : TICK_MS;
  const tick = () => runNotificationTick().catch((error) => console.error("Notification tick failed", error));
  const follow = () => runNotificationTick({ sweep: false }).catch((error) => console.error("Notification pass failed", error));
  globalForDispatcher.runsheetNotificationTimer = setInterval(tick, ms);
  globalForDispatcher.runsheetNotificationTimer.unref();
  setTimeout(tick, 1000).unref();
  // "You're up" shouldn't wait for the next 30 s tick: a commit that appended audit events (a step
  // signed off) starts a pass shortly after. The pass itself appends none, so this can't loop.
  onAuditCommitted("notifications", () => {
    if (globalForDispatcher.runsheetNotificationSoon) return;
    const wait = followDelayMs({ now: Date.now(), lastFollowAt: globalForDispatcher.runsheetNotificationFollowedAt ?? null });
    globalForDispatcher.runsheetNotificationSoon = setTimeout(() => {
      globalForDispatcher.runsheetNotificationSoon = null;
      globalForDispatcher.runsheetNotificationFollowedAt = Date.now();
      void follow();
    }, wait);
    globalForDispatcher.runsheetNotificationSoon.unref();
  });
}
