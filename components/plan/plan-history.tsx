import Link from "next/link";
import type { PlanHistory } from "@/lib/plan/queries";
import { Card, PageHeader } from "../ui/card";
import { Table, TableBody, TableHead } from "../ui/table";
import { ZonedTime } from "../ui/zoned-time";
import { PlanDiffList } from "./plan-diff-list";

/** Every version of a project's plan, and what changed between any two (a plain GET form: works without script). */
export function PlanHistoryView({ history }: { history: PlanHistory }) {
  const { project, versions, comparison } = history;
  const select = "rounded-md border-0 bg-white px-2 py-1.5 text-sm ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700";
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/projects/${project.id}`} className="hover:underline">
            ← {project.name}
          </Link>
        }
        title="Plan history"
        subtitle="Every change to the plan is a numbered version. A run records the version it ran and a SHA-256 of its copy."
      />
      {versions.length === 0 ? (
        <Card className="p-4 text-sm text-slate-600 dark:text-slate-400">The plan has no versions yet: add a step to start one.</Card>
      ) : (
        <div className="space-y-4">
          <Card className="p-4">
            <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Compare two versions">
              {(
                [
                  ["from", "From version", comparison?.from ?? ""],
                  ["to", "To version", comparison?.to ?? versions[0].version],
                ] as const
              ).map(([name, label, value]) => (
                <label key={name} className="flex flex-col gap-1 text-sm font-medium">
                  {label}
                  <select name={name} defaultValue={value} className={select}>
                    {versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        {v.version}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
              <button type="submit" className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500">
                Compare
              </button>
            </form>
            {comparison ? (
              <div className="mt-4">
                <h2 className="mb-1 text-sm font-semibold">
                  Version {comparison.from} → {comparison.to}
                </h2>
                <PlanDiffList diff={comparison.diff} />
              </div>
            ) : null}
          </Card>
          <Card className="p-4">
            <Table caption="Plan versions, newest first" scroll>
              <TableHead>
                <th scope="col" className="py-1 pr-3">
                  Version
                </th>
                <th scope="col" className="hidden py-1 pr-3 sm:table-cell">
                  When
                </th>
                <th scope="col" className="hidden py-1 pr-3 sm:table-cell">
                  Who
                </th>
                <th scope="col" className="py-1 pr-3">
                  What
                </th>
                <th scope="col" className="hidden py-1 md:table-cell">
                  SHA-256
                </th>
              </TableHead>
              <TableBody>
                {versions.map((v) => (
                  <tr key={v.version}>
                    <td className="py-1.5 pr-3 font-mono">{v.version}</td>
                    <td className="hidden py-1.5 pr-3 whitespace-nowrap sm:table-cell">
                      <ZonedTime value={v.createdAt} timeZone={project.timezone} />
                    </td>
                    <td className="hidden py-1.5 pr-3 sm:table-cell">{v.actorName}</td>
                    <td className="py-1.5 pr-3">
                      {/* On a phone, who and when go under the change instead of in columns of their own. */}
                      <span className="block text-xs text-slate-500 sm:hidden">
                        <ZonedTime value={v.createdAt} timeZone={project.timezone} /> · {v.actorName}
                      </span>
                      {v.version > 1 ? (
                        <Link className="underline" href={`?from=${v.version - 1}&to=${v.version}`}>
                          {v.summary}
                        </Link>
                      ) : (
                        v.summary
                      )}
                    </td>
                    <td className="hidden py-1.5 font-mono text-xs md:table-cell" title={v.hash}>
                      {v.hash.slice(0, 12)}…
                    </td>
                  </tr>
                ))}
              </TableBody>
            </Table>
          </Card>
        </div>
      )}
    </>
  );
}
