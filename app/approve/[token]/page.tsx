import type { Metadata } from "next";
import Link from "next/link";
import { AuthShell } from "@/components/auth/auth-shell";
import { ApprovalForm } from "@/components/notifications/approval-form";
import { describeApprovalLink } from "@/lib/notifications/approval-links";
import { approvalTokenParams } from "@/lib/notifications/schemas";

export const metadata: Metadata = { title: "Decide a gate", referrer: "no-referrer", robots: { index: false } };
export const dynamic = "force-dynamic";

/**
 * Opened from a "gate waiting" email, signed out. Shows what would be decided and as whom; only
 * the form's POST decides, because mail scanners open (prefetch) links on their own.
 */
export default async function ApprovePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ decision?: string }> }) {
  const { token } = await params;
  const { decision } = await searchParams;
  const parsed = approvalTokenParams.safeParse({ token });
  const view = parsed.success ? await describeApprovalLink({ token }) : null;
  if (!view || !view.ok) {
    return (
      <AuthShell title="This link can't be used">
        <p role="alert" className="text-sm">
          {view?.message ?? "This is not an approval link. Open the run in Runsheet to decide the gate."}
        </p>
        <Link href="/login" className="mt-4 inline-block text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          Sign in to Runsheet
        </Link>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Decide a gate" subtitle={`${view.projectName} · ${view.runName}`}>
      <dl className="space-y-2 text-sm">
        <div>
          <dt className="text-slate-500 dark:text-slate-400">Gate</dt>
          <dd className="font-semibold">{view.gateTitle}</dd>
        </div>
        <div>
          <dt className="text-slate-500 dark:text-slate-400">You decide as</dt>
          <dd>
            {view.approverName} ({view.approverEmail})
          </dd>
        </div>
      </dl>
      <ApprovalForm token={token} initialDecision={decision === "NO_GO" ? "NO_GO" : "GO"} expiresAt={view.expiresAt} runHref={view.runHref} />
    </AuthShell>
  );
}
