import type { RunBoardStep } from "@/lib/runs/queries";

/**
 * The clock a step card is given. A card shows time only as an in-progress step's elapsed time
 * (seconds) and as a pending or running step's lateness in whole minutes, so it gets the exact
 * clock only while running, the clock rounded down to whole minutes past its late-from time while
 * pending, and a fixed value otherwise. With memoized cards a 300-step run page then re-renders
 * the running cards each second, not all 300.
 */
export function cardClock(step: Pick<RunBoardStep, "status" | "startedAt" | "finishedAt" | "plannedStart">, clock: number, runActive: boolean): number {
  if (step.startedAt && !step.finishedAt) return clock;
  if (runActive && step.status === "PENDING" && step.plannedStart) {
    const lateFrom = Date.parse(step.plannedStart);
    return lateFrom + Math.floor((clock - lateFrom) / 60_000) * 60_000;
  }
  return 0;
}
