"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { PROJECT_STATUS_LABELS } from "@/lib/projects/model";

export function PortfolioFilterBar({ owners }: { owners: { id: string; name: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    router.push(`${pathname}${next.size ? `?${next}` : ""}`);
  };
  const control = "rounded-md bg-white px-2 py-1.5 text-sm ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700";
  return (
    <form role="search" aria-label="Filter projects" className="no-print mb-4 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600 dark:text-slate-400">Status</span>
        <select className={control} value={params.get("status") ?? ""} onChange={(e) => set("status", e.target.value)}>
          <option value="">Any status</option>
          {Object.entries(PROJECT_STATUS_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600 dark:text-slate-400">Window from</span>
        <input type="date" className={control} value={params.get("from") ?? ""} onChange={(e) => set("from", e.target.value)} />
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600 dark:text-slate-400">Window to</span>
        <input type="date" className={control} value={params.get("to") ?? ""} onChange={(e) => set("to", e.target.value)} />
      </label>
      <label className="text-sm">
        <span className="block text-xs font-medium text-slate-600 dark:text-slate-400">Owner</span>
        <select className={control} value={params.get("owner") ?? ""} onChange={(e) => set("owner", e.target.value)}>
          <option value="">Anyone</option>
          {owners.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      {params.size > 0 ? (
        <button type="button" className="py-1.5 text-sm text-indigo-700 underline dark:text-indigo-300" onClick={() => router.push(pathname)}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
