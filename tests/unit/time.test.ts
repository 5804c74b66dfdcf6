import { describe, expect, it } from "vitest";
import { formatDuration, formatInZone, formatMinutes, utcToWallClock, wallClockToUtc } from "@/lib/platform/time";

const BERLIN = "Europe/Berlin";

describe("wallClockToUtc / utcToWallClock in Europe/Berlin", () => {
  it.each([
    // Winter (CET, UTC+1)
    ["2026-11-28T13:00", "2026-11-28T12:00:00.000Z"],
    // Spring forward on 2026-03-29: 02:00 CET → 03:00 CEST.
    ["2026-03-29T01:59", "2026-03-29T00:59:00.000Z"],
    ["2026-03-29T03:00", "2026-03-29T01:00:00.000Z"],
    ["2026-03-29T12:00", "2026-03-29T10:00:00.000Z"],
    // Summer (CEST, UTC+2)
    ["2026-07-01T08:30", "2026-07-01T06:30:00.000Z"],
    // Fall back on 2026-10-25: 03:00 CEST → 02:00 CET.
    ["2026-10-25T01:30", "2026-10-24T23:30:00.000Z"],
    ["2026-10-25T03:30", "2026-10-25T02:30:00.000Z"],
    ["2026-10-25T12:00", "2026-10-25T11:00:00.000Z"],
  ])("%s Berlin is %s and back", (local, utc) => {
    const instant = wallClockToUtc(local, BERLIN);
    expect(instant.toISOString()).toBe(utc);
    expect(utcToWallClock(instant, BERLIN)).toBe(local);
    expect(utcToWallClock(utc, BERLIN)).toBe(local);
  });

  it("every UTC quarter hour across both 2026 DST changes round-trips", () => {
    for (const [from, to] of [
      ["2026-03-28T20:00:00Z", "2026-03-29T06:00:00Z"],
      ["2026-10-24T20:00:00Z", "2026-10-25T06:00:00Z"],
    ]) {
      for (let t = Date.parse(from); t <= Date.parse(to); t += 15 * 60_000) {
        const wall = utcToWallClock(new Date(t), BERLIN);
        const back = wallClockToUtc(wall, BERLIN).getTime();
        // In the repeated hour of the fall-back night a wall time names two instants; the round trip
        // must land on one of them, and then reproduce the same wall time.
        expect(utcToWallClock(new Date(back), BERLIN), new Date(t).toISOString()).toBe(wall);
        expect([0, 3_600_000]).toContain(Math.abs(back - t));
      }
    }
  });

  it("outside the repeated hour the round trip is exact", () => {
    for (let t = Date.parse("2026-03-28T20:00:00Z"); t <= Date.parse("2026-03-29T06:00:00Z"); t += 15 * 60_000) {
      expect(wallClockToUtc(utcToWallClock(new Date(t), BERLIN), BERLIN).getTime()).toBe(t);
    }
  });

  it("a wall time in the spring-forward gap still yields a valid instant", () => {
    const instant = wallClockToUtc("2026-03-29T02:30", BERLIN);
    expect(Number.isNaN(instant.getTime())).toBe(false);
    // 02:30 does not exist in Berlin that night; it is either 00:30Z or 01:30Z.
    expect(["2026-03-29T00:30:00.000Z", "2026-03-29T01:30:00.000Z"]).toContain(instant.toISOString());
  });

  it("does not depend on the zone being Berlin", () => {
    expect(wallClockToUtc("2026-11-28T13:00", "America/New_York").toISOString()).toBe("2026-11-28T18:00:00.000Z");
    expect(wallClockToUtc("2026-11-28T13:00", "Asia/Kolkata").toISOString()).toBe("2026-11-28T07:30:00.000Z");
    expect(utcToWallClock("2026-11-28T07:30:00Z", "Asia/Kolkata")).toBe("2026-11-28T13:00");
  });

  it.each(["2026-11-28 13:00", "2026-11-28T13:00:00", "28.11.2026 13:00", ""])("malformed input %j gives an invalid date", (input) => {
    expect(Number.isNaN(wallClockToUtc(input, BERLIN).getTime())).toBe(true);
  });

  it("pads single-digit parts", () => {
    expect(utcToWallClock(new Date("2026-01-02T03:04:00Z"), "UTC")).toBe("2026-01-02T03:04");
  });
});

describe("formatInZone", () => {
  it("shows time in the given zone, not the process zone", () => {
    expect(formatInZone("2026-07-01T06:30:00Z", BERLIN, "time")).toBe("08:30");
    expect(formatInZone(new Date("2026-11-28T06:30:00Z"), BERLIN, "time")).toBe("07:30");
  });
  it("renders a dash for missing values", () => {
    expect(formatInZone(null, BERLIN)).toBe("—");
    expect(formatInZone(undefined, BERLIN)).toBe("—");
  });
});

describe("formatMinutes", () => {
  it.each([
    [0, "0 min"],
    [1, "1 min"],
    [59, "59 min"],
    [60, "1 h"],
    [61, "1 h 1 min"],
    [135, "2 h 15 min"],
    [1440, "24 h"],
    [-5, "−5 min"],
    [-135, "−2 h 15 min"],
    [59.6, "1 h"],
    [0.4, "0 min"],
  ])("%d → %s", (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0:00:00"],
    [999, "0:00:00"],
    [1000, "0:00:01"],
    [59_000, "0:00:59"],
    [60_000, "0:01:00"],
    [3_909_000, "1:05:09"],
    [36 * 3_600_000, "36:00:00"],
    [-61_000, "−0:01:01"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
