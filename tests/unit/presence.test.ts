/**
 * Presence: a tab that stops saying it is there (its network dropped without closing the stream)
 * leaves "Viewing now" after the TTL; one that keeps sending heartbeats stays.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

// The live module registers with the transaction layer, which opens the database: a test one.
let db: TestDatabase;
let live: typeof import("@/lib/platform/live/events");
beforeAll(async () => {
  db = await openTestDatabase("presence");
  live = await import("@/lib/platform/live/events");
});
afterAll(async () => db?.close());
afterEach(() => vi.useRealTimers());

describe("presence", () => {
  it("drops a silent tab after the TTL and keeps one that beats", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-28T02:00:00Z"));
    const { joinPresence, listPresence, PRESENCE_TTL_MS, touchPresence } = live;
    const project = `presence-${Math.random()}`;
    const leaveA = joinPresence(project, "tab-a", { userId: "u1", name: "Olivia", runId: "r1" });
    const leaveB = joinPresence(project, "tab-b", { userId: "u2", name: "Otto", runId: "r1" });
    expect(listPresence(project).map((v) => v.name).sort()).toEqual(["Olivia", "Otto"]);

    vi.setSystemTime(Date.now() + PRESENCE_TTL_MS - 1000);
    expect(touchPresence(project, "tab-a", "u1")).toBe(true);
    // Someone else's tab id is not theirs to keep alive.
    expect(touchPresence(project, "tab-b", "u1")).toBe(false);
    vi.setSystemTime(Date.now() + 2000);
    expect(listPresence(project).map((v) => v.name)).toEqual(["Olivia"]);
    leaveA();
    leaveB();
    expect(listPresence(project)).toEqual([]);
  });
});
