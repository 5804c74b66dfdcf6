import "server-only";
import { processAuditEvents, sendPendingEmails, sweepNotifications } from "./service";

/*
 * The notification loop: follow the audit log, sweep the clock-based rules, send queued email.
 * One tick at a time per process (a slow SMTP relay never stacks ticks). Idle, a tick is three
 * small indexed reads.
 */
const TICK_MS = 30_000;

const globalForDispatcher = globalThis as unknown as { runsheetNotificationTimer?: NodeJS.Timeout; runsheetNotificationBusy?: boolean };

/** One pass, with an injectable clock (tests). */
export async function runNotificationTick(options: { now?: Date } = {}): Promise<void> {
  if (globalForDispatcher.runsheetNotificationBusy) return;
  globalForDispatcher.runsheetNotificationBusy = true;
  try {
    await processAuditEvents({ now: options.now });
    await sweepNotifications({ now: options.now });
    await sendPendingEmails({ now: options.now });
  } finally {
    globalForDispatcher.runsheetNotificationBusy = false;
  }
}

/** Starts the loop once per process (instrumentation.ts). RUNSHEET_NOTIFY_TICK_MS shortens it (e2e). */
export function startNotificationDispatcher(): void {
  if (globalForDispatcher.runsheetNotificationTimer) return;
  const ms = Number(process.env.RUNSHEET_NOTIFY_TICK_MS) >= 200 ? Number(process.env.RUNSHEET_NOTIFY_TICK_MS) : TICK_MS;
  const tick = () => runNotificationTick().catch((error) => console.error("Notification tick failed", error));
  globalForDispatcher.runsheetNotificationTimer = setInterval(tick, ms);
  globalForDispatcher.runsheetNotificationTimer.unref();
  setTimeout(tick, 1000).unref();
}
