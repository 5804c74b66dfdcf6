import { TZDate } from "@date-fns/tz";

/**
 * One formatter per locale, zone and options, kept: building an Intl.DateTimeFormat costs far more
 * than using one, and the run page formats hundreds of times on every one-second tick.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, cached);
  }
  return cached;
}

/** Times are stored in UTC and shown in the project's time zone. */
export function formatInZone(date: Date | string | null | undefined, timeZone: string, style: "datetime" | "time" | "date" = "datetime"): string {
  if (!date) return "—";
  const d = typeof date === "string" ? new Date(date) : date;
  const options: Intl.DateTimeFormatOptions =
    style === "time"
      ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : style === "date"
        ? { weekday: "short", year: "numeric", month: "short", day: "numeric" }
        : { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return formatter("en-GB", { ...options, timeZone }).format(d);
}

/**
 * "CET", "CEST", "EST", or "GMT+5:30" where no abbreviation is in common use. British English
 * names European zones, American English names North American ones; the other falls back to GMT±h.
 */
export function zoneAbbreviation(date: Date | string, timeZone: string): string {
  const d = typeof date === "string" ? new Date(date) : date;
  const name = (locale: string) => formatter(locale, { timeZone, timeZoneName: "short" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  const british = name("en-GB");
  if (!/^(GMT|UTC)[+-]/.test(british)) return british;
  const american = name("en-US");
  return /^(GMT|UTC)[+-]/.test(american) ? british : american;
}

/** The calendar day of an instant in a zone, "2026-12-05": two instants on the same day compare equal. */
export function dayInZone(date: Date | string | number, timeZone: string): string {
  return formatter("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(date));
}

/**
 * A moment as it should read at 3 a.m.: "02:14 CET" when it is today in the zone, and
 * "Sat 5 Dec, 18:20 CET" otherwise (with the year when it isn't this year). A bare "06:20" next to
 * "18:20" hides that they are on different days, and a bare time hides whose clock it is.
 */
export function formatMoment(date: Date | string | number, timeZone: string, options: { now: number | Date; zone?: boolean }): string {
  const d = new Date(date);
  const now = new Date(options.now);
  const time = formatter("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(d);
  const zone = options.zone === false ? "" : ` ${zoneAbbreviation(d, timeZone)}`;
  if (dayInZone(d, timeZone) === dayInZone(now, timeZone)) return `${time}${zone}`;
  const sameYear = dayInZone(d, timeZone).slice(0, 4) === dayInZone(now, timeZone).slice(0, 4);
  const day = formatter("en-GB", { weekday: "short", day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }), timeZone }).format(d);
  return `${day}, ${time}${zone}`;
}

/**
 * A downtime window: "Sat 5 Dec 22:00 – Sun 6 Dec 06:00 CET (8 h)". Both dates when it crosses
 * midnight, the zone at each end when a daylight-saving change falls inside it, and the real
 * length (instants, not wall clocks: the night the clocks go back a 22:00–06:00 window is 9 h).
 */
export function formatWindow(start: Date | string | number, end: Date | string | number, timeZone: string): string {
  const s = new Date(start);
  const e = new Date(end);
  const day = (d: Date) => formatter("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone }).format(d);
  const time = (d: Date) => formatter("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(d);
  const startZone = zoneAbbreviation(s, timeZone);
  const endZone = zoneAbbreviation(e, timeZone);
  const sameDay = dayInZone(s, timeZone) === dayInZone(e, timeZone);
  const length = formatMinutes((e.getTime() - s.getTime()) / 60_000);
  const head = `${day(s)} ${time(s)}${startZone === endZone ? "" : ` ${startZone}`}`;
  return `${head} – ${sameDay ? "" : `${day(e)} `}${time(e)} ${endZone} (${length})`;
}

/** The offset of a zone from UTC at an instant, in minutes (Berlin in winter: 60). */
export function zoneOffsetMinutes(date: Date | string | number, timeZone: string): number {
  const name = formatter("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(new Date(date)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
}

/** "2026-11-28T13:00" as wall-clock time in `timeZone` → the UTC instant. */
export function wallClockToUtc(local: string, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return new Date(Number.NaN);
  const [, y, mo, d, h, mi] = match.map(Number);
  return new Date(new TZDate(y, mo - 1, d, h, mi, timeZone).getTime());
}

/** The UTC instant as "YYYY-MM-DDTHH:mm" wall-clock time in `timeZone` (for datetime-local inputs). */
export function utcToWallClock(date: Date | string, timeZone: string): string {
  const z = new TZDate(new Date(date).getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${z.getFullYear()}-${pad(z.getMonth() + 1)}-${pad(z.getDate())}T${pad(z.getHours())}:${pad(z.getMinutes())}`;
}

/** 135 → "2 h 15 min"; negative values get a minus sign. */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? "−" : "";
  const m = Math.round(Math.abs(minutes));
  if (m < 60) return `${sign}${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${sign}${h} h` : `${sign}${h} h ${rest} min`;
}

/** Milliseconds → "1:05:09" for clocks. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "−" : "";
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${sign}${h}:${pad(m)}:${pad(s)}`;
}
