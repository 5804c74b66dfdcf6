import { describe, expect, it } from "vitest";
import { cardClock } from "@/components/runs/card-clock";

const lateFrom = Date.parse("2026-11-28T22:07:20.500Z"); // a planned start off the minute
const seconds = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i * 1000);

describe("cardClock: the clock a memoized step card is given", () => {
  it("gives a running step the exact clock, every second", () => {
    const step = { status: "IN_PROGRESS" as const, startedAt: "2026-11-28T22:00:00.000Z", finishedAt: null, plannedStart: null };
    for (const clock of seconds(lateFrom, 5)) expect(cardClock(step, clock, true)).toBe(clock);
  });

  it("changes a pending step's clock once a minute, with the same lateness in whole minutes as the exact clock", () => {
    const step = { status: "PENDING" as const, startedAt: null, finishedAt: null, plannedStart: new Date(lateFrom).toISOString() };
    const clocks = seconds(lateFrom - 150_000, 400);
    const given = clocks.map((clock) => cardClock(step, clock, true));
    for (const [i, clock] of clocks.entries()) expect(Math.floor((given[i] - lateFrom) / 60_000)).toBe(Math.floor((clock - lateFrom) / 60_000));
    const minutes = new Set(clocks.map((clock) => Math.floor((clock - lateFrom) / 60_000)));
    expect(new Set(given).size).toBe(minutes.size);
    expect(new Set(given).size).toBeLessThan(10);
  });

  it("gives finished steps, and pending steps of an ended run, a clock that never moves", () => {
    const done = { status: "DONE" as const, startedAt: "2026-11-28T22:00:00.000Z", finishedAt: "2026-11-28T22:10:00.000Z", plannedStart: new Date(lateFrom).toISOString() };
    const pending = { status: "PENDING" as const, startedAt: null, finishedAt: null, plannedStart: new Date(lateFrom).toISOString() };
    const clocks = seconds(lateFrom, 180);
    expect(new Set(clocks.map((clock) => cardClock(done, clock, true))).size).toBe(1);
    expect(new Set(clocks.map((clock) => cardClock(pending, clock, false))).size).toBe(1);
  });
});
