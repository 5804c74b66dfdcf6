import { TZDate } from "@date-fns/tz";

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
  return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(d);
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
