"use client";
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RunDashboard } from "@/lib/dashboard/queries";
import { formatInZone, formatMinutes } from "@/lib/platform/time";

// Colours that read in light and dark mode and in greyscale print (solid vs hatched-looking light fill).
const PLANNED = "#94a3b8";
const ACTUAL = "#4f46e5";
const CRITICAL = "#a78bfa";
const OVER = "#e11d48";
const axisTick = { fill: "currentColor", fontSize: 12 };

/** Planned vs actual per step, in minutes from the window start, with the now-line, the window end and the critical path. */
export function TimelineChart({ data, windowMinutes, nowMinutes, timeZone, windowStart, nowLabel = "now" }: { data: RunDashboard["timeline"]; windowMinutes: number; nowMinutes: number; timeZone: string; windowStart: number; nowLabel?: string }) {
  const rows = data.map((d) => ({ ...d, plannedRange: d.planned, actualRange: d.actual ?? undefined }));
  const max = Math.max(windowMinutes, nowMinutes, ...data.flatMap((d) => [d.planned[1], d.actual?.[1] ?? 0])) + 15;
  const tickLabel = (minutes: number) => formatInZone(new Date(windowStart + minutes * 60_000), timeZone, "time");
  return (
    <div className="overflow-hidden text-slate-600 dark:text-slate-300" style={{ height: Math.max(220, rows.length * 30 + 70) }}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 900, height: Math.max(220, rows.length * 30 + 70) }}>
        <BarChart data={rows} layout="vertical" margin={{ top: 10, right: 24, bottom: 24, left: 8 }} barGap={1} barCategoryGap={5}>
          <CartesianGrid horizontal={false} strokeOpacity={0.25} />
          <XAxis type="number" domain={[0, max]} tickFormatter={tickLabel} tick={axisTick} label={{ value: "Time in the window", position: "insideBottom", offset: -12, fill: "currentColor", fontSize: 12 }} />
          <YAxis type="category" dataKey="label" width={230} tick={{ ...axisTick, fontSize: 11 }} interval={0} tickFormatter={(v: string) => (v.length > 34 ? `${v.slice(0, 33)}…` : v)} />
          <Tooltip
            formatter={(value, name) => (Array.isArray(value) ? [`${tickLabel(Number(value[0]))} – ${tickLabel(Number(value[1]))} (${formatMinutes(Number(value[1]) - Number(value[0]))})`, name] : [String(value), name])}
            contentStyle={{ fontSize: 12 }}
          />
          <Legend verticalAlign="top" height={28} />
          <Bar dataKey="plannedRange" name="Planned (violet: critical path)" fill={PLANNED} isAnimationActive={false}>
            {rows.map((row) => (
              <Cell key={row.id} fill={row.critical ? CRITICAL : PLANNED} />
            ))}
          </Bar>
          <Bar dataKey="actualRange" name="Actual" fill={ACTUAL} isAnimationActive={false} />
          <ReferenceLine x={nowMinutes} stroke={OVER} strokeDasharray="4 3" label={{ value: nowLabel, position: "top", fill: OVER, fontSize: 11 }} />
          <ReferenceLine x={0} stroke="currentColor" label={{ value: "window start", position: "insideTopLeft", fill: "currentColor", fontSize: 11 }} />
          <ReferenceLine x={windowMinutes} stroke="currentColor" strokeDasharray="6 3" label={{ value: "window end", position: "insideTopRight", fill: "currentColor", fontSize: 11 }} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BurndownChart({ data, timeZone, now, nowLabel = "now" }: { data: RunDashboard["burndown"]; timeZone: string; now: number; nowLabel?: string }) {
  const points = [...data.actual.map((p) => ({ at: p.at, actual: p.remainingMinutes })), ...data.ideal.map((p) => ({ at: p.at, ideal: p.remainingMinutes }))].sort((a, b) => a.at - b.at);
  return (
    <div className="h-64 overflow-hidden text-slate-600 dark:text-slate-300">
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 500, height: 256 }}>
        <LineChart data={points} margin={{ top: 10, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeOpacity={0.25} />
          <XAxis type="number" dataKey="at" domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => formatInZone(new Date(v), timeZone, "time")} tick={axisTick} label={{ value: "Time", position: "insideBottom", offset: -12, fill: "currentColor", fontSize: 12 }} />
          <YAxis tick={axisTick} width={48} label={{ value: "Minutes left", angle: -90, position: "insideLeft", fill: "currentColor", fontSize: 12 }} />
          <Tooltip labelFormatter={(v) => formatInZone(new Date(Number(v)), timeZone, "time")} formatter={(v, name) => [formatMinutes(Number(v)), name]} contentStyle={{ fontSize: 12 }} />
          <Legend verticalAlign="top" height={28} />
          <Line type="stepAfter" dataKey="actual" name="Remaining (actual)" stroke={ACTUAL} strokeWidth={2.5} dot={false} connectNulls isAnimationActive={false} />
          <Line type="linear" dataKey="ideal" name="Ideal burn-down" stroke={PLANNED} strokeDasharray="6 4" strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          <ReferenceLine x={now} stroke={OVER} strokeDasharray="4 3" label={{ value: nowLabel, position: "top", fill: OVER, fontSize: 11 }} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function WorkloadChart({ rows }: { rows: { name: string; plannedMinutes: number; doneMinutes: number }[] }) {
  return (
    <div className="overflow-hidden text-slate-600 dark:text-slate-300" style={{ height: Math.max(160, rows.length * 34 + 60) }}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 500, height: Math.max(160, rows.length * 34 + 60) }}>
        <BarChart data={rows} layout="vertical" margin={{ top: 10, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid horizontal={false} strokeOpacity={0.25} />
          <XAxis type="number" tick={axisTick} label={{ value: "Planned minutes", position: "insideBottom", offset: -12, fill: "currentColor", fontSize: 12 }} />
          <YAxis type="category" dataKey="name" width={120} tick={axisTick} />
          <Tooltip formatter={(v, name) => [formatMinutes(Number(v)), name]} contentStyle={{ fontSize: 12 }} />
          <Legend verticalAlign="top" height={28} />
          <Bar dataKey="plannedMinutes" name="Planned" fill={PLANNED} isAnimationActive={false} />
          <Bar dataKey="doneMinutes" name="Done" fill={ACTUAL} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
