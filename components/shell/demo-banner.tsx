"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Dialog, DialogActions } from "../ui/dialog";
import { FormError } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

/** Shown to admins while the demo is installed: its accounts have a published password. */
export function DemoBanner() {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const { message, pending, submit } = useApiForm();
  return (
    <div role="region" aria-label="Demo" className="no-print border-b border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-3 py-2 text-sm sm:px-6">
        <p className="min-w-0 flex-1">
          <strong>The demo is installed.</strong> Its accounts use a published password and sign in only on this machine. Remove it before your team relies on Runsheet.
        </p>
        <Button size="sm" variant="secondary" onClick={() => setConfirming(true)}>
          Remove the demo
        </Button>
      </div>
      {confirming ? (
        <Dialog open onClose={() => setConfirming(false)} title="Remove the demo">
          <form
            className="space-y-4"
            noValidate
            onSubmit={async (event) => {
              event.preventDefault();
              const result = await submit(() => apiRequest("DELETE", "/api/demo"), { keepPending: true });
              if (!result.ok) return;
              router.push("/projects");
              router.refresh();
            }}
          >
            <FormError message={message} />
            <p className="text-sm">
              This deletes the demo projects with their plans, runs and evidence, and turns off the three demo accounts. The audit trail keeps a record of what happened in the demo. This can&apos;t be undone.
            </p>
            <DialogActions onCancel={() => setConfirming(false)} confirmLabel="Remove the demo" pendingLabel="Removing…" variant="danger" pending={pending} />
          </form>
        </Dialog>
      ) : null}
    </div>
  );
}
