import { describe, expect, it } from "vitest";
import { formatDuration, formatInZone, formatMinutes, formatMoment, formatWindow, utcToWallClock, wallClockToUtc, zoneAbbreviation, zoneOffsetMinutes } from "@/lib/platform/time";
import { splitProgress } from "@/lib/runs/model";

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

describe("times you can trust at 3 a.m.", () => {
  const NEW_YORK = "America/New_York";
  const now = Date.parse("2026-12-05T02:30:00Z"); // 03:30 in Berlin on Saturday 5 December

  it("a time today shows its zone; a time on another day shows its date as well", () => {
    expect(formatMoment("2026-12-05T01:14:00Z", BERLIN, { now })).toBe("02:14 CET");
    // 18:20 on Friday and 06:20 on Saturday must not both read as bare clock times.
    expect(formatMoment("2026-12-04T17:20:00Z", BERLIN, { now })).toBe("Fri 4 Dec, 18:20 CET");
    expect(formatMoment("2026-12-05T05:20:00Z", BERLIN, { now })).toBe("06:20 CET");
    expect(formatMoment("2025-12-04T17:20:00Z", BERLIN, { now })).toContain("2025");
    // "Today" is the project's day: 01:14 UTC on the 5th is still the 4th in New York.
    expect(formatMoment("2026-12-05T01:14:00Z", NEW_YORK, { now: Date.parse("2026-12-04T20:00:00Z") })).toBe("20:14 EST");
  });

  it("names zones as people say them, falling back to a GMT offset", () => {
    expect(zoneAbbreviation("2026-07-01T12:00:00Z", BERLIN)).toBe("CEST");
    expect(zoneAbbreviation("2026-07-01T12:00:00Z", NEW_YORK)).toBe("EDT");
    expect(zoneAbbreviation("2026-07-01T12:00:00Z", "Asia/Kolkata")).toBe("GMT+5:30");
    expect(zoneOffsetMinutes("2026-07-01T12:00:00Z", BERLIN)).toBe(120);
    expect(zoneOffsetMinutes("2026-12-01T12:00:00Z", NEW_YORK)).toBe(-300);
  });

  it("a window across midnight shows both dates and its length", () => {
    expect(formatWindow(wallClockToUtc("2026-12-05T22:00", BERLIN), wallClockToUtc("2026-12-06T06:00", BERLIN), BERLIN)).toBe("Sat 5 Dec 22:00 – Sun 6 Dec 06:00 CET (8 h)");
    expect(formatWindow(wallClockToUtc("2026-12-05T09:00", BERLIN), wallClockToUtc("2026-12-05T17:30", BERLIN), BERLIN)).toBe("Sat 5 Dec 09:00 – 17:30 CET (8 h 30 min)");
  });

  it("the European changeover nights: a 22:00–06:00 window is 9 h in October and 7 h in March", () => {
    expect(formatWindow(wallClockToUtc("2026-10-24T22:00", BERLIN), wallClockToUtc("2026-10-25T06:00", BERLIN), BERLIN)).toBe("Sat 24 Oct 22:00 CEST – Sun 25 Oct 06:00 CET (9 h)");
    expect(formatWindow(wallClockToUtc("2026-03-28T22:00", BERLIN), wallClockToUtc("2026-03-29T06:00", BERLIN), BERLIN)).toBe("Sat 28 Mar 22:00 CET – Sun 29 Mar 06:00 CEST (7 h)");
  });

  it("the US changeover nights: a 22:00–06:00 window is 9 h in November and 7 h in March", () => {
    expect(formatWindow(wallClockToUtc("2026-10-31T22:00", NEW_YORK), wallClockToUtc("2026-11-01T06:00", NEW_YORK), NEW_YORK)).toBe("Sat 31 Oct 22:00 EDT – Sun 1 Nov 06:00 EST (9 h)");
    expect(formatWindow(wallClockToUtc("2026-03-07T22:00", NEW_YORK), wallClockToUtc("2026-03-08T06:00", NEW_YORK), NEW_YORK)).toBe("Sat 7 Mar 22:00 EST – Sun 8 Mar 06:00 EDT (7 h)");
    // A step at 01:30 on the fall-back night happens twice on the wall clock; the zone tells which.
    expect(formatMoment("2026-11-01T05:30:00Z", NEW_YORK, { now: Date.parse("2026-11-01T07:00:00Z") })).toBe("01:30 EDT");
    expect(formatMoment("2026-11-01T06:30:00Z", NEW_YORK, { now: Date.parse("2026-11-01T07:00:00Z") })).toBe("01:30 EST");
  });
});

describe("progress keeps preparation apart from window work", () => {
  const step = (kind: string, plannedMinutes: number, status: "DONE" | "PENDING", inWindow: boolean) => ({ kind, plannedMinutes, status, inWindow });
  it("three window steps done out of a long preparation read as window progress", () => {
    const steps = [step("TASK", 600, "DONE", false), step("TASK", 240, "DONE", false), step("TASK", 60, "DONE", true), step("TASK", 300, "PENDING", true), step("ROLLBACK", 100, "PENDING", true)];
    const progress = splitProgress(steps, "FORWARD");
    expect(progress.headline).toEqual({ doneMinutes: 60, totalMinutes: 360, percent: 16 });
    expect(progress.outside).toEqual({ doneMinutes: 840, totalMinutes: 840, percent: 100 });
    expect(splitProgress(steps, "ROLLBACK").headline).toEqual({ doneMinutes: 0, totalMinutes: 100, percent: 0 });
  });
});
