"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { AuditView } from "@/lib/audit/queries";
import { LiveIndicator } from "../live/live-indicator";
import { AuditVerdict, AuditVerdictBadge } from "./audit-verdict";
import { useLiveUpdates } from "../live/use-live-updates";
import { Card, EmptyState, PageHeader } from "../ui/card";
import { Table, TableBody, TableHead } from "../ui/table";
import { ZonedTime } from "../ui/zoned-time";
import { formatMoment } from "@/lib/platform/time";

const ACTION_LABELS: Record<string, string> = {
  "project.create": "Created the project",
  "project.update": "Edited the project",
  "project.seed_assignments": "Assigned the demo steps",
  "phase.create": "Added a phase",
  "phase.update": "Edited a phase",
  "phase.delete": "Deleted a phase",
  "phase.move": "Moved a phase",
  "step.create": "Added a step",
  "step.update": "Edited a step",
  "step.delete": "Deleted a step",
  "step.move": "Moved a step",
  "run.start": "Started a run",
  "run.complete": "Run completed",
  "run.rolled_back": "Run rolled back",
  "run.rollback_started": "Switched to rollback",
  "step.start": "Started a step",
  "step.done": "Signed off a step",
  "step.skip": "Skipped a step",
  "step.fail": "Failed a step",
  "step.undo_signoff": "Undid a sign-off",
  "gate.go": "Decided Go",
  "gate.no_go": "Decided No-Go",
  "fleet.import": "Imported clients",
  "fleet.remove": "Removed clients",
  "fleet.client_update": "Edited a client",
  "fleet.update": "Updated a client",
  "fleet.bulk_update": "Updated clients in bulk",
  "plan.import": "Imported steps",
  "plan.recalibrate": "Recalibrated the plan",
  "template.save_from_project": "Saved the plan as a template",
  "gate.approve": "Approved a gate",
  "gate.hold": "Held a gate",
  "run.abort": "Aborted the run",
  "run.end_early": "Ended the rehearsal early",
  "run.plan_applied": "Applied plan changes",
  "evidence.attach": "Attached evidence",
  "user.update": "Changed a user",
};

const FIELD_LABELS: Record<string, string> = {
  status: "status",
  startedAt: "started",
  finishedAt: "finished",
  signedOffAt: "signed off",
  note: "note",
  reason: "reason",
  gateDecision: "decision",
  plannedMinutes: "planned min",
  title: "title",
  role: "role",
  active: "active",
  mode: "mode",
  windowStart: "window start",
  windowEnd: "window end",
  undoReason: "undo reason",
  hostname: "host name",
  clientCount: "clients",
  os: "OS",
  hardware: "hardware",
  policy: "policy",
  owner: "owner",
  name: "file",
  planVersion: "plan version",
};
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A one-line summary of what changed: the readable fields whose values differ (ids and versions are left out). */
function describeChange(before: string, after: string, timeZone: string): string {
  try {
    const b = JSON.parse(before) as Record<string, unknown> | null;
    const a = JSON.parse(after) as Record<string, unknown> | null;
    if (!a) return b && typeof b.title === "string" ? `“${b.title}”` : "";
    const title = typeof a.stepTitle === "string" ? `“${a.stepTitle}”` : typeof a.title === "string" ? `“${a.title}”` : typeof a.name === "string" ? `“${a.name}”` : "";
    const show = (value: unknown) => short(value, timeZone);
    // A fleet tick's "after" names its host without a "before" host: that is not a rename.
    const renamedOnlyIfRecorded = (k: string) => k !== "hostname" || !b || k in b;
    const changed = Object.keys(a).filter((k) => FIELD_LABELS[k] && renamedOnlyIfRecorded(k) && JSON.stringify(a[k]) !== JSON.stringify(b?.[k]));
    const parts = changed.slice(0, 5).map((k) => (b ? `${FIELD_LABELS[k]}: ${show(b[k])} → ${show(a[k])}` : `${FIELD_LABELS[k]}: ${show(a[k])}`));
    if (a.offline === true) parts.push("queued offline");
    // Evidence: its full SHA-256, the fingerprint an auditor checks the file against.
    if (typeof a.sha256 === "string") parts.push(`SHA-256 ${a.sha256}`);
    return [title, parts.join("; ")].filter(Boolean).join(" · ");
  } catch {
    return "";
  }
}

function short(value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string" && ISO.test(value)) return formatMoment(value, timeZone, { now: Date.now() });
  // Enum values (IN_PROGRESS) read better as words.
  const text = typeof value !== "string" ? JSON.stringify(value) : /^[A-Z_]+$/.test(value) ? value.replace(/_/g, " ").toLowerCase() : value;
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

export function AuditLog({ view }: { view: AuditView }) {
  const router = useRouter();
  const live = useLiveUpdates({ projectId: view.project.id, runId: null });
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href={`/projects/${view.project.id}`} className="hover:underline">
            ← {view.project.name}
          </Link>
        }
        title="Audit log"
        subtitle={
          <span className="flex flex-wrap items-center gap-2">
            <AuditVerdictBadge trail={view.trail} />
            <LiveIndicator state={live.state} viewers={[]} />
          </span>
        }
      />
      <AuditVerdict trail={view.trail} timeZone={view.project.timezone} />
      <div className="no-print mb-3 flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="run-filter" className="text-slate-600 dark:text-slate-400">
          Show
        </label>
        <select
          id="run-filter"
          className="rounded-md bg-white px-2 py-1.5 ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700"
          value={view.runId ?? ""}
          onChange={(e) => router.push(`/projects/${view.project.id}/audit${e.target.value ? `?run=${e.target.value}` : ""}`)}
        >
          <option value="">All events of the project</option>
          {view.runs.map((r) => (
            <option key={r.id} value={r.id}>
              Run: {r.name}
            </option>
          ))}
        </select>
      </div>
      {view.events.length === 0 ? (
        <EmptyState title="No events yet" />
      ) : (
        <Card className="overflow-hidden">
          <Table caption="Audit events, newest first">
            <TableHead className="bg-slate-50 text-slate-500 dark:bg-slate-800/50">
              <th scope="col" className="px-3 py-2">#</th>
              <th scope="col" className="px-3 py-2">When</th>
              <th scope="col" className="px-3 py-2">Who</th>
              <th scope="col" className="px-3 py-2">What</th>
              <th scope="col" className="hidden px-3 py-2 md:table-cell">Change</th>
              <th scope="col" className="hidden px-3 py-2 lg:table-cell">Hash</th>
            </TableHead>
            <TableBody>
              {view.events.map((event) => (
                <tr key={event.seq} className="align-top">
                  <td className="px-3 py-2 font-mono text-xs text-slate-500">{event.seq}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <ZonedTime value={event.at} timeZone={view.project.timezone} />
                  </td>
                  <td className="px-3 py-2">{event.actorName}</td>
                  <td className="px-3 py-2">
                    <div className="font-medium">{ACTION_LABELS[event.action] ?? event.action}</div>
                    <div className="text-xs text-slate-500 md:hidden">{describeChange(event.before, event.after, view.project.timezone)}</div>
                  </td>
                  <td className="hidden max-w-md px-3 py-2 text-xs text-slate-600 md:table-cell dark:text-slate-400">{describeChange(event.before, event.after, view.project.timezone)}</td>
                  <td className="hidden px-3 py-2 font-mono text-xs text-slate-500 lg:table-cell dark:text-slate-400" title={event.hash}>
                    {event.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </>
  );
}
