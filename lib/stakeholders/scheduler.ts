import "server-only";
import { prisma } from "../platform/db/client";
import { deliverStakeholderEmail, sendStakeholderUpdate } from "./service";

/**
 * Automatic stakeholder updates: every tick sends the updates that have come due, stops the
 * schedules of runs that have ended, and retries emails a relay refused. Idle, a tick is two
 * indexed queries that find nothing.
 */
export async function runStakeholderUpdateTick(options: { now?: number } = {}): Promise<{ sent: number; stopped: number; retried: number }> {
  const now = options.now ?? Date.now();
  const due = await prisma.stakeholderUpdatePlan.findMany({
    where: { enabled: true, pausedAt: null, nextDueAt: { lte: new Date(now) } },
    select: { runId: true, nextDueAt: true, run: { select: { status: true } } },
  });
  let sent = 0;
  let stopped = 0;
  for (const plan of due) {
    if (plan.run.status !== "ACTIVE") {
      // The run has ended: the schedule stops (the log keeps what was sent).
      const paused = await prisma.stakeholderUpdatePlan.updateMany({ where: { runId: plan.runId, pausedAt: null }, data: { pausedAt: new Date(now), nextDueAt: null } });
      stopped += paused.count;
      continue;
    }
    try {
      const message = await sendStakeholderUpdate({ actor: null, runId: plan.runId, now, due: plan.nextDueAt! });
      if (message) sent++;
    } catch (error) {
      // One run's problem (it ended meanwhile, a template broke) must not stop the others' updates.
      console.error(`Stakeholder update for run ${plan.runId} failed`, error);
    }
  }
  const retries = await prisma.stakeholderUpdateMessage.findMany({ where: { status: "PENDING", nextAttemptAt: { lte: new Date(now) } }, select: { id: true }, take: 50 });
  let retried = 0;
  for (const { id } of retries) {
    if (await deliverStakeholderEmail({ messageId: id, now }).catch((error) => console.error("Retrying a stakeholder email failed", error))) retried++;
  }
  return { sent, stopped, retried };
}

const TICK_MS = 30_000;
const globalForScheduler = globalThis as unknown as { runsheetStakeholderScheduler?: NodeJS.Timeout };

/** Starts the ticks once per process (instrumentation.ts). A tick still running when the next is due is skipped, not doubled. */
export function startStakeholderScheduler(): void {
  if (globalForScheduler.runsheetStakeholderScheduler) return;
  let running = false;
  globalForScheduler.runsheetStakeholderScheduler = setInterval(() => {
    if (running) return;
    running = true;
    runStakeholderUpdateTick()
      .catch((error) => console.error("Stakeholder update tick failed", error))
      .finally(() => {
        running = false;
      });
  }, TICK_MS).unref();
}
