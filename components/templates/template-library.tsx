import Link from "next/link";
import type { TemplateListItem } from "@/lib/templates/service";
import { formatMinutes, formatInZone } from "@/lib/platform/time";
import { ButtonLink } from "../ui/button";
import { Card } from "../ui/card";
import { Pill } from "../ui/status-badge";
import { TemplateActions } from "./template-actions";

/** The template library: built-ins (read-only, duplicable) and the team's saved templates. */
export function TemplateLibrary({ items }: { items: TemplateListItem[] }) {
  const builtIns = items.filter((t) => t.builtIn);
  const saved = items.filter((t) => !t.builtIn);
  return (
    <div className="space-y-8">
      <section aria-labelledby="builtin-heading">
        <h2 id="builtin-heading" className="mb-1 text-lg font-bold">
          Built-in templates
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">Written from the NetBackup rehost domain notes. Read-only: duplicate one to adapt it.</p>
        <ul className="grid gap-3 md:grid-cols-2">
          {builtIns.map((t) => (
            <TemplateCard key={t.id} item={t} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="saved-heading">
        <h2 id="saved-heading" className="mb-1 text-lg font-bold">
          Saved templates
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">Your team&apos;s own: duplicated, imported, written as JSON, or saved from a project.</p>
        {saved.length === 0 ? (
          <p className="rounded-lg border-2 border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
            No saved templates yet. Duplicate a built-in, create one from JSON, or use &ldquo;Save as template&rdquo; on a project.
          </p>
        ) : (
          <ul className="grid gap-3 md:grid-cols-2">
            {saved.map((t) => (
              <TemplateCard key={t.id} item={t} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function TemplateCard({ item }: { item: TemplateListItem }) {
  const s = item.summary;
  return (
    <li>
      <Card className="flex h-full flex-col p-4" aria-label={item.name}>
        <div className="flex items-start justify-between gap-2">
          <h3 className="font-semibold">
            <Link href={`/templates/${item.id}`} className="hover:underline">
              {item.name}
            </Link>
          </h3>
          {item.builtIn ? (
            <span className="shrink-0 whitespace-nowrap">
              <Pill tone="indigo">Built-in</Pill>
            </span>
          ) : null}
        </div>
        {item.description ? <p className="mt-1 line-clamp-3 text-sm text-slate-600 dark:text-slate-400">{item.description}</p> : null}
        {s ? (
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
            {s.forwardStepCount} steps · {s.rollbackStepCount} rollback · {s.phaseCount} phases · {formatMinutes(s.plannedMinutes)} planned · critical path {formatMinutes(s.criticalPathMinutes)} · rollback {formatMinutes(s.rollbackMinutes)}
          </p>
        ) : (
          <p role="alert" className="mt-2 text-xs text-rose-700 dark:text-rose-300">
            {item.problem}
          </p>
        )}
        {!item.builtIn ? (
          <p className="mt-1 text-xs text-slate-500">
            {item.createdBy ? `By ${item.createdBy} · ` : ""}updated {formatInZone(item.updatedAt, "UTC", "date")}
          </p>
        ) : null}
        <div className="mt-auto flex flex-wrap items-center gap-2 pt-3">
          <ButtonLink href={`/templates/${item.id}`} variant="secondary" size="sm">
            {item.builtIn ? "View" : "Edit"}
            <span className="sr-only"> {item.name}</span>
          </ButtonLink>
          {s ? (
            <ButtonLink href={`/projects/new?template=${encodeURIComponent(item.id)}`} variant="secondary" size="sm">
              New project<span className="sr-only"> from {item.name}</span>
            </ButtonLink>
          ) : null}
          <TemplateActions templateId={item.id} name={item.name} builtIn={item.builtIn} size="sm" />
        </div>
      </Card>
    </li>
  );
}
