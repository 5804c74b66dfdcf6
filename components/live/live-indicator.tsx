import type { LiveState, Viewer } from "./use-live-updates";

export function LiveIndicator({ state, viewers }: { state: LiveState; viewers: Viewer[] }) {
  const names = [...new Map(viewers.map((v) => [v.userId, v.name])).values()];
  return (
    <span className="inline-flex flex-wrap items-center gap-2 text-xs">
      <span
        role="status"
        aria-label={state === "live" ? "Live updates connected" : state === "offline" ? "Offline: no live updates" : "Reconnecting to live updates"}
        className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 font-semibold ${state === "live" ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
      >
        <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${state === "live" ? "bg-emerald-500 motion-safe:animate-pulse" : "bg-amber-500"}`} />
        {state === "live" ? "Live" : state === "connecting" ? "Connecting…" : state === "offline" ? "Offline" : "Reconnecting…"}
      </span>
      {names.length > 0 ? (
        <span className="text-slate-600 dark:text-slate-400" title={names.join(", ")}>
          Viewing now: {names.slice(0, 4).join(", ")}
          {names.length > 4 ? ` +${names.length - 4}` : ""}
        </span>
      ) : null}
    </span>
  );
}
