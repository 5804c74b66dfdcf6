export function ProgressBar({ percent, label, tone = "indigo" }: { percent: number; label: string; tone?: "indigo" | "emerald" | "amber" | "rose" }) {
  const clamped = Math.max(0, Math.min(100, percent));
  const tones = { indigo: "bg-indigo-600", emerald: "bg-emerald-600", amber: "bg-amber-500", rose: "bg-rose-600" } as const;
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={clamped} className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
      <div className={`h-full rounded-full ${tones[tone]} transition-[width] duration-500`} style={{ width: `${clamped}%` }} />
    </div>
  );
}
