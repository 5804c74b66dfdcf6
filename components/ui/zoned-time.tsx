"use client";
import { formatInZone } from "@/lib/platform/time";

/** A time in the project's zone; hovering (or long-pressing) shows the viewer's local time. */
export function ZonedTime({ value, timeZone, style = "datetime" }: { value: string | null; timeZone: string; style?: "datetime" | "time" | "date" }) {
  if (!value) return <span>—</span>;
  const local = new Date(value).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  return (
    <time dateTime={value} title={`Your local time: ${local}`} suppressHydrationWarning>
      {formatInZone(value, timeZone, style)}
    </time>
  );
}
