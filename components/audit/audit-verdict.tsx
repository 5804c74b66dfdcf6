"use client";
import type { AuditView } from "@/lib/audit/queries";
import { CopyButton } from "../ui/copy-button";
import { ZonedTime } from "../ui/zoned-time";

type Trail = AuditView["trail"];

/** "3f2a 9c11 0b7e 45d2": the key's fingerprint as the PDF prints it. */
const shortFingerprint = (fingerprint: string) => (fingerprint.slice(0, 16).match(/.{4}/g) ?? []).join(" ");

/** The badge next to the page title: one line, calm when everything checks out. */
export function AuditVerdictBadge({ trail }: { trail: Trail }) {
  return trail.ok ? (
    <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" data-testid="chain-status">
      ✓ Hash chain verified ({trail.events} events)
    </span>
  ) : (
    <span className="rounded bg-rose-600 px-2 py-0.5 text-xs font-semibold text-white" data-testid="chain-status">
      ✕ Audit check failed: {trail.findings.length} {trail.findings.length === 1 ? "finding" : "findings"}
    </span>
  );
}

/**
 * What the check looked at and what it found: the signed checkpoint that anchors the chain, the
 * key anyone can verify it with, and each finding in words (which run, which step, which event).
 */
export function AuditVerdict({ trail, timeZone }: { trail: Trail; timeZone: string }) {
  const { anchor } = trail;
  return (
    <section aria-label="Audit check" className="mb-4 text-sm">
      {trail.ok ? null : (
        <div role="alert" className="mb-3 rounded-lg border border-rose-300 bg-rose-50 p-3 text-rose-900 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-100">
          <h2 className="font-semibold">The audit trail does not check out</h2>
          <p className="mt-0.5 text-rose-800 dark:text-rose-200">
            The record was changed outside Runsheet. What the check found (the same as <code className="font-mono text-xs">npm run audit:verify</code> on the server):
          </p>
          <ul className="mt-2 list-disc space-y-1 pl-5" aria-label="Findings">
            {trail.findings.map((finding, i) => (
              <li key={i}>{finding.message}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="rounded-lg bg-slate-50 p-3 text-slate-700 ring-1 ring-slate-200 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-800" data-testid="audit-anchor">
        <p>
          {anchor.lastSigned ? (
            <>
              Signed up to event #{anchor.lastSigned.seq} at <ZonedTime value={anchor.lastSigned.at} timeZone={timeZone} />
              {anchor.fingerprint ? <> with key <span className="font-mono">{shortFingerprint(anchor.fingerprint)}</span></> : null}.{" "}
              {anchor.unsignedEvents > 0 ? `${anchor.unsignedEvents} newer ${anchor.unsignedEvents === 1 ? "event is" : "events are"} signed within a few seconds. ` : null}
            </>
          ) : (
            <>No signed checkpoint yet. </>
          )}
          {trail.ok ? `Every step of this project's runs agrees with its events.` : null}
        </p>
        {trail.otherProjectsFindings > 0 ? (
          <p className="mt-1 text-amber-800 dark:text-amber-300">
            {trail.otherProjectsFindings} step or run {trail.otherProjectsFindings === 1 ? "record" : "records"} in other projects disagree with their events; see those projects&apos; audit pages.
          </p>
        ) : null}
        {trail.publicKeyPem && anchor.fingerprint ? (
          <details className="mt-2">
            <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Public key to verify the signatures</summary>
            <p className="mt-1">
              Fingerprint (SHA-256): <span className="break-all font-mono text-xs">{anchor.fingerprint}</span>
            </p>
            <pre className="mt-1 overflow-x-auto rounded bg-white p-2 font-mono text-xs ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800">{trail.publicKeyPem}</pre>
            <CopyButton text={trail.publicKeyPem} label="Copy public key" className="mt-1" />
          </details>
        ) : null}
      </div>
    </section>
  );
}
