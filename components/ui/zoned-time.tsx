"use client";
import { useSyncExternalStore } from "react";
import { formatInZone, formatMoment, formatWindow, zoneAbbreviation, zoneOffsetMinutes } from "@/lib/platform/time";

const noSubscription = () => () => {};

/**
 * The viewer's own time zone, or null while rendering on the server (and during hydration, so the
 * first client render matches the server's HTML); the browser's zone appears right after.
 */
export function useViewerTimeZone(): string | null {
  return useSyncExternalStore(
    noSubscription,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
}

/** True when the viewer's clock reads differently from the project's at that instant. */
function differsFromViewer(value: string | number, projectZone: string, viewerZone: string | null): viewerZone is string {
  return viewerZone !== null && zoneOffsetMinutes(value, viewerZone) !== zoneOffsetMinutes(value, projectZone);
}

/**
 * A time in the project's zone, with its zone named ("02:14 CET") and its date when it isn't today
 * ("Fri 4 Dec, 18:20 CET"). A viewer whose own clock differs also sees their time, on the page
 * rather than only in a tooltip: an ops lead in New York reading a Berlin cutover must not have to
 * do the arithmetic at 3 a.m.
 */
export function ZonedTime({
  value,
  timeZone,
  style = "time",
  viewerLine = false,
}: {
  value: string | number | null;
  timeZone: string;
  style?: "datetime" | "time" | "date";
  /** Put the viewer's time on a line of its own, in small type (under a big clock figure). */
  viewerLine?: boolean;
}) {
  const viewerZone = useViewerTimeZone();
  if (value === null) return <span>—</span>;
  const iso = new Date(value).toISOString();
  const now = Date.now();
  if (style === "date") {
    return (
      <time dateTime={iso} suppressHydrationWarning>
        {formatInZone(iso, timeZone, "date")}
      </time>
    );
  }
  const main = style === "datetime" ? `${formatInZone(iso, timeZone, "datetime")} ${zoneAbbreviation(iso, timeZone)}` : formatMoment(iso, timeZone, { now });
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {main}
      {differsFromViewer(iso, timeZone, viewerZone) ? (
        <span className={viewerLine ? "block font-sans text-xs font-normal text-slate-500 dark:text-slate-400" : "font-sans font-normal text-slate-500 dark:text-slate-400"} data-testid="viewer-time">
          {viewerLine ? "" : " "}
          ({formatMoment(iso, viewerZone, { now })} your time)
        </span>
      ) : null}
    </time>
  );
}

/** A downtime window with both dates when it crosses midnight, its zone and its real length; and the viewer's own clock when it differs. */
export function ZonedWindow({ start, end, timeZone }: { start: string | number; end: string | number; timeZone: string }) {
  const viewerZone = useViewerTimeZone();
  const startIso = new Date(start).toISOString();
  return (
    <span suppressHydrationWarning>
      <time dateTime={startIso}>{formatWindow(start, end, timeZone)}</time>
      {differsFromViewer(start, timeZone, viewerZone) ? (
        <span className="block text-xs text-slate-500 dark:text-slate-400" data-testid="viewer-window">
          your time: {formatWindow(start, end, viewerZone)}
        </span>
      ) : null}
    </span>
  );
}
