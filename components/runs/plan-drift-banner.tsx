"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import Link from "next/link";
import type { RunPlanDrift } from "@/lib/runs/model";
import { summarizeDiff } from "@/lib/plan/snapshot";
import { apiRequest } from "@/lib/platform/http/api-client";
import { PlanDiffList } from "../plan/plan-diff-list";
import { Button } from "../ui/button";
import { ReasonDialog } from "../ui/reason-dialog";

/**
 * "The plan has changed since this run started": what changed, step by step, and for admins the
 * one way to bring it into the run (steps not yet started only, with a reason, audited).
 */
export function PlanDriftBanner({ runId, projectId, drift, canApply }: { runId: string; projectId: string; drift: RunPlanDrift; canApply: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [applying, setApplying] = useState(false);
  const started = new Set(drift.startedStepIds);
  return (
    <section aria-labelledby="plan-drift-heading" className="no-print rounded-lg bg-indigo-50 p-3 text-sm text-indigo-950 ring-1 ring-indigo-200 dark:bg-indigo-950 dark:text-indigo-100 dark:ring-indigo-900">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id="plan-drift-heading" className="font-semibold">
            The plan has changed since this run started
          </h2>
          <p className="mt-0.5">
            This run follows plan version {drift.runVersion || "—"}; the plan is at version {drift.planVersion}. {summarizeDiff(drift.diff)}. Nothing reaches this run until an admin
            applies it.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls="plan-drift-list">
            {open ? "Hide changes" : "Show changes"}
          </Button>
          {canApply ? (
            <Button size="sm" onClick={() => setApplying(true)}>
              Apply to this run…
            </Button>
          ) : null}
        </div>
      </div>
      {open ? (
        <div id="plan-drift-list" className="mt-2 rounded-md bg-white p-2 ring-1 ring-indigo-100 dark:bg-slate-900 dark:ring-indigo-900">
          <PlanDiffList diff={drift.diff} note={(step) => (started.has(step.id) ? "Started in this run: keeps what it was done against" : null)} />
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
            <Link className="underline" href={`/projects/${projectId}/plan-history?from=${drift.runVersion}&to=${drift.planVersion}`}>
              Plan history
            </Link>
          </p>
        </div>
      ) : null}
      {applying ? (
        <ReasonDialog
          title="Apply plan changes to this run"
          label="Why now? (recorded in the audit log)"
          confirmLabel="Apply changes"
          placeholder="e.g. CAB approved the extra verification step"
          onClose={() => setApplying(false)}
          onConfirm={async (reason) => {
            const result = await apiRequest<{ applied: number; kept: { title: string }[] }>("POST", `/api/runs/${runId}/plan`, { reason, expectedPlanVersion: drift.planVersion });
            if (!result.ok) return result.error.message;
            setApplying(false);
            router.refresh();
            return null;
          }}
        />
      ) : null}
    </section>
  );
}
