import Link from "next/link";
import type { ProjectSummary } from "@/lib/projects";
import { PROJECT_STATUS_LABELS, PROJECT_STATUS_TONES, RUN_KIND_LABELS, RUN_STATUS_LABELS, STRATEGY_LABELS } from "@/lib/labels";
import { formatInZone } from "@/lib/time";
import { EmptyState } from "./ui/card";
import { ProgressBar } from "./ui/progress-bar";
import { Pill } from "./ui/status-badge";

export function ProjectList({ projects, canCreate }: { projects: ProjectSummary[]; canCreate: boolean }) {
  if (projects.length === 0) {
    return (
      <EmptyState
        title="No migration projects yet"
        action={
          canCreate ? (
            <Link href="/projects/new" className="inline-flex rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
              Create the first project
            </Link>
          ) : null
        }
      >
        {canCreate ? "Start from the NetBackup rehost template or an empty plan." : "An admin hasn't created any projects yet."}
      </EmptyState>
    );
  }
  return (
    <ul className="grid gap-4 md:grid-cols-2">
      {projects.map((project) => (
        <li key={project.id}>
          <Link
            href={project.run && project.run.status === "ACTIVE" ? `/projects/${project.id}/runs/${project.run.id}` : `/projects/${project.id}`}
            className="block h-full rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 transition hover:ring-indigo-400 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:bg-slate-900 dark:ring-slate-800 dark:hover:ring-indigo-500"
          >
            <div className="flex items-start justify-between gap-3">
              <h2 className="font-semibold leading-snug">{project.name}</h2>
              <Pill tone={PROJECT_STATUS_TONES[project.status]}>{PROJECT_STATUS_LABELS[project.status]}</Pill>
            </div>
            <p className="mt-1 font-mono text-xs text-slate-600 dark:text-slate-400">
              {project.sourceHost} → {project.targetHost} · {STRATEGY_LABELS[project.hostnameStrategy]}
            </p>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
              Window {formatInZone(project.windowStart, project.timezone)} – {formatInZone(project.windowEnd, project.timezone, "time")} <span className="text-xs">({project.timezone})</span>
            </p>
            {project.run ? (
              <div className="mt-4">
                <div className="mb-1 flex justify-between text-xs text-slate-600 dark:text-slate-400">
                  <span>
                    {RUN_KIND_LABELS[project.run.kind]} · {project.run.name} · {RUN_STATUS_LABELS[project.run.status]}
                    {project.run.mode === "ROLLBACK" ? " · rolling back" : ""}
                  </span>
                  <span className="font-semibold tabular-nums">{project.run.percent}%</span>
                </div>
                <ProgressBar percent={project.run.percent} label={`${project.name} progress`} tone={project.run.mode === "ROLLBACK" ? "amber" : "indigo"} />
              </div>
            ) : (
              <p className="mt-4 text-xs text-slate-500">{project.stepCount} steps planned · no run yet</p>
            )}
          </Link>
        </li>
      ))}
    </ul>
  );
}
