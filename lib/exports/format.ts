import { TZDate } from "@date-fns/tz";

/**
 * Times in exports are shown in the project's zone. Machine-readable ones (CSV) carry their
 * UTC offset; printed ones name the zone once per context.
 */

/** ISO 8601 with the zone's offset and no milliseconds: "2026-11-28T13:05:12+01:00". */
export function zonedIso(date: Date | null | undefined, timeZone: string): string {
  if (!date) return "";
  return new TZDate(date.getTime(), timeZone).toISOString().replace(/\.\d{3}(?=[+-]|Z)/, "");
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, key: string, options: Intl.DateTimeFormatOptions, locale = "en-GB"): Intl.DateTimeFormat {
  const id = `${timeZone}|${key}`;
  let f = cache.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone, hourCycle: "h23" });
    cache.set(id, f);
  }
  return f;
}

function parts(date: Date, timeZone: string): Record<string, string> {
  const f = formatter(timeZone, "parts", { weekday: "short", year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return Object.fromEntries(f.formatToParts(date).map((p) => [p.type, p.value]));
}

/** "CET", "EST", else "GMT+5:30": the short name people in that zone would recognise. */
export function zoneName(date: Date, timeZone: string): string {
  const name = (locale: string) =>
    formatter(timeZone, `zone-${locale}`, { timeZoneName: "short" }, locale).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? timeZone;
  const us = name("en-US");
  return /^GMT[+-]/.test(us) ? name("en-GB") : us;
}

/** "Sat 28 Nov 2026, 13:05 CET" */
export function longDateTime(date: Date | null | undefined, timeZone: string): string {
  if (!date) return "—";
  const p = parts(date, timeZone);
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} ${zoneName(date, timeZone)}`;
}

/** "28 Nov 2026, 13:05" (the zone is stated by the surrounding section). */
export function mediumDateTime(date: Date | null | undefined, timeZone: string): string {
  if (!date) return "—";
  const p = parts(date, timeZone);
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}

/** "28 Nov 13:05" (the zone is stated by the surrounding section). */
export function shortDateTime(date: Date | null | undefined, timeZone: string): string {
  if (!date) return "—";
  const p = parts(date, timeZone);
  return `${p.day} ${p.month} ${p.hour}:${p.minute}`;
}

/** "2026-11-28 13:05:12" (audit appendix: sortable, to the second). */
export function preciseDateTime(date: Date | null | undefined, timeZone: string): string {
  if (!date) return "—";
  return zonedIso(date, timeZone).slice(0, 19).replace("T", " ");
}

/** "Sat 28 Nov 2026, 13:00 – 22:00 CET" or, across days, both dates in full. */
export function windowRange(start: Date, end: Date, timeZone: string): string {
  const a = parts(start, timeZone);
  const b = parts(end, timeZone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  const startZone = zoneName(start, timeZone);
  const endZone = zoneName(end, timeZone);
  if (sameDay && startZone === endZone) return `${a.weekday} ${a.day} ${a.month} ${a.year}, ${a.hour}:${a.minute} – ${b.hour}:${b.minute} ${endZone}`;
  return `${longDateTime(start, timeZone)} – ${longDateTime(end, timeZone)}`;
}

/** "UTC+01:00" for the zone at that moment. */
export function utcOffset(date: Date, timeZone: string): string {
  const iso = new TZDate(date.getTime(), timeZone).toISOString();
  const match = /([+-]\d{2}:\d{2}|Z)$/.exec(iso);
  return `UTC${!match || match[1] === "Z" ? "+00:00" : match[1]}`;
}

/** Whole minutes as "2 h 15 min", with an ASCII sign for negatives. */
export function minutesText(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return "—";
  const sign = minutes < 0 ? "-" : "";
  const m = Math.round(Math.abs(minutes));
  if (m < 60) return `${sign}${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest === 0 ? `${sign}${h} h` : `${sign}${h} h ${rest} min`;
}

/** "+15 min", "-5 min", "on plan". */
export function varianceText(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return "—";
  const rounded = Math.round(minutes);
  if (rounded === 0) return "on plan";
  return rounded > 0 ? `+${minutesText(rounded)}` : minutesText(rounded);
}

/** Whole minutes for tables and CSV; null stays null. */
export function roundMinutes(minutes: number | null | undefined): number | null {
  return minutes === null || minutes === undefined ? null : Math.round(minutes);
}

/** "1,234" */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}
