/**
 * Start and end cells of imported plans: "2026-12-05 22:00", "05/12/2026 22:00", "Sat 12/5/26 10:00 PM",
 * "5 Dec 2026 22:00", or a bare "22:00" on the night of the cutover. Pure, shared by the browser
 * preview and the server (lib/import/steps.ts).
 *
 * Times are wall-clock: a plan says "22:00" meaning the project's local time, so values are kept
 * as minutes on a zone-less axis (a date at 00:00 UTC plus the clock time) and only differences
 * and the written clock time are used.
 */

export type DateOrder = "dayFirst" | "monthFirst";

export type PlanTime =
  | { kind: "datetime"; /** Minutes since 1970-01-01 00:00 of the wall clock. */ minutes: number }
  | { kind: "time"; minuteOfDay: number }
  | { kind: "date"; /** Minutes since 1970-01-01 00:00 of that day. */ minutes: number };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const TIME = String.raw`(\d{1,2})[:h.](\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?`;
const WEEKDAY = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i;
const NUMERIC_DATE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})$/;

function clock(hour: string, minute: string, seconds: string | undefined, meridiem: string | undefined): number | null {
  let h = Number(hour);
  const m = Number(minute);
  if (m > 59 || (seconds !== undefined && Number(seconds) > 59)) return null;
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    const pm = meridiem.toLowerCase().startsWith("p");
    h = (h % 12) + (pm ? 12 : 0);
  } else if (h > 23) return null;
  return h * 60 + m;
}

function dayNumber(year: number, month: number, day: number): number | null {
  if (year < 100) year += 2000;
  if (month < 1 || month > 12 || day < 1) return null;
  const ms = Date.UTC(year, month - 1, day);
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms / 60_000;
}

/** Splits "date time" into its date part and its time of day (null when there is none). */
function splitDateTime(value: string): { date: string; time: number | null } | null {
  const match = new RegExp(String.raw`^(.*?)(?:[T\s,]+${TIME})?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?$`, "i").exec(value);
  if (!match) return null;
  const [, date, hour, minute, seconds, meridiem] = match;
  if (hour === undefined) return { date, time: null };
  const time = clock(hour, minute, seconds, meridiem);
  return time === null ? null : { date: date.trim(), time };
}

/**
 * One cell → a date-time, a time of day or a date; `null` for a blank cell. `order` says how to
 * read "05/12/2026" (dots are always day first, as in Germany).
 */
export function parsePlanTime(raw: string, order: DateOrder): { ok: true; value: PlanTime | null } | { ok: false; message: string } {
  const value = raw.trim().replace(WEEKDAY, "").replace(/\s+/g, " ");
  if (value === "" || /^(tbd|tbc|n\/?a|-+|\?+)$/i.test(value)) return { ok: true, value: null };
  const bad = { ok: false as const, message: `"${raw.trim()}" is not a date and time. Use "2026-12-05 22:00", "05/12/2026 22:00" or "22:00".` };
  const timeOnly = new RegExp(`^${TIME}$`, "i").exec(value);
  if (timeOnly) {
    const minuteOfDay = clock(timeOnly[1], timeOnly[2], timeOnly[3], timeOnly[4]);
    return minuteOfDay === null ? bad : { ok: true, value: { kind: "time", minuteOfDay } };
  }
  const parts = splitDateTime(value);
  if (!parts) return bad;
  let day: number | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(parts.date);
  const numeric = NUMERIC_DATE.exec(parts.date);
  const dayMonthName = /^(\d{1,2})[\s-]([a-z]{3,})\.?[\s-]+(\d{2}|\d{4})$/i.exec(parts.date);
  const monthNameDay = /^([a-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})$/i.exec(parts.date);
  if (iso) day = dayNumber(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  else if (numeric) {
    const [, a, separator, b, year] = numeric;
    const dayFirst = separator === "." || order === "dayFirst";
    day = dayFirst ? dayNumber(Number(year), Number(b), Number(a)) : dayNumber(Number(year), Number(a), Number(b));
  } else if (dayMonthName) {
    const month = MONTHS.indexOf(dayMonthName[2].slice(0, 3).toLowerCase());
    if (month >= 0) day = dayNumber(Number(dayMonthName[3]), month + 1, Number(dayMonthName[1]));
  } else if (monthNameDay) {
    const month = MONTHS.indexOf(monthNameDay[1].slice(0, 3).toLowerCase());
    if (month >= 0) day = dayNumber(Number(monthNameDay[3]), month + 1, Number(monthNameDay[2]));
  }
  if (day === null) return bad;
  return { ok: true, value: parts.time === null ? { kind: "date", minutes: day } : { kind: "datetime", minutes: day + parts.time } };
}

/**
 * Day first or month first, from the values themselves: a "13/…" or a "…/13/…" settles it. When
 * nothing does, day first (the plans we see are European), unless the times are written with
 * AM/PM (American); `ambiguous` then says the preview must ask.
 */
export function guessDateOrder(values: readonly string[]): { order: DateOrder; ambiguous: boolean } {
  let dayFirst = false;
  let monthFirst = false;
  let numericSeen = false;
  let meridiem = false;
  for (const raw of values) {
    const value = raw.trim().replace(WEEKDAY, "");
    if (/\d\s*[ap]\.?m\.?\b/i.test(value)) meridiem = true;
    const match = /^(\d{1,2})([/-])(\d{1,2})\2(\d{2}|\d{4})\b/.exec(value);
    if (!match) continue;
    numericSeen = true;
    if (Number(match[1]) > 12) dayFirst = true;
    if (Number(match[3]) > 12) monthFirst = true;
  }
  if (dayFirst !== monthFirst) return { order: dayFirst ? "dayFirst" : "monthFirst", ambiguous: false };
  return { order: meridiem ? "monthFirst" : "dayFirst", ambiguous: numericSeen && !dayFirst };
}

/**
 * Places every row's start and end on one axis. A time of day belongs to the night of the value
 * before it (the previous row's start, or a date written earlier): of the same clock time on the
 * day before, that day and the day after, the one nearest the previous value, so 23:30 → 00:15
 * crosses midnight while a parallel step at 22:30 after one at 23:00 does not. An end before its
 * start on the clock is the next day.
 */
export function placePlanTimes(rows: readonly { start: PlanTime | null; end: PlanTime | null }[]): { start: number | null; end: number | null; endNextDay: boolean }[] {
  let cursor: number | null = null;
  const out: { start: number | null; end: number | null; endNextDay: boolean }[] = [];
  const place = (time: PlanTime, near: number | null): number => {
    if (time.kind !== "time") return time.minutes;
    const base = near === null ? 0 : Math.floor(near / 1440) * 1440;
    const candidates = [base - 1440, base, base + 1440].map((day) => day + time.minuteOfDay);
    if (near === null) return candidates[1];
    return candidates.reduce((best, c) => (Math.abs(c - near) < Math.abs(best - near) ? c : best));
  };
  for (const row of rows) {
    const start: number | null = row.start && row.start.kind !== "date" ? place(row.start, cursor) : null;
    if (start !== null) cursor = start;
    let end: number | null = null;
    let endNextDay = false;
    if (row.end && row.end.kind !== "date") {
      if (row.end.kind === "time" && start !== null) {
        end = Math.floor(start / 1440) * 1440 + row.end.minuteOfDay;
        if (end < start) {
          end += 1440;
          endNextDay = true;
        }
      } else end = place(row.end, cursor);
    }
    out.push({ start, end, endNextDay });
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");
/** Axis minutes → "2026-12-05 22:00", or "22:00" for a time-only value. */
export function formatPlanTime(minutes: number, withDate: boolean): string {
  const d = new Date(minutes * 60_000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withDate ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${time}` : time;
}
