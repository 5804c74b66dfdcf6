"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { RunBoardStep } from "@/lib/runs/queries";
import { formatBytes } from "@/lib/platform/format";
import { apiRequest, isNetworkError } from "@/lib/platform/http/api-client";

/**
 * A step's evidence: the files attached in this run (name, size, who, SHA-256), and for an active
 * run a way to add one: the file picker, a file dropped on the list, or a screenshot pasted while
 * the list has focus. A refused file says why and nothing is stored.
 */
export function EvidenceList({ runId, step, canAttach }: { runId: string; step: RunBoardStep; canAttach: boolean }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  /** On a fleet step: the host name the file is about (empty: the step as a whole). */
  const [client, setClient] = useState("");

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    const form = new FormData();
    // A pasted screenshot arrives as "image.png"; give it a name that says what it is.
    const named = file.name && file.name !== "image.png" ? file : new File([file], `screenshot-step-${step.number}-${new Date().toISOString().replace(/[:.]/g, "-")}.png`, { type: file.type || "image/png" });
    form.set("file", named);
    if (step.isFleet && client.trim()) form.set("client", client.trim());
    const result = await apiRequest("POST", `/api/runs/${runId}/steps/${step.id}/evidence`, form);
    setBusy(false);
    if (input.current) input.current.value = "";
    if (result.ok) router.refresh();
    else setError(isNetworkError(result.error) ? "No connection to the server: the file was not attached. Try again when you're back online." : result.error.message);
  }

  if (!canAttach && step.evidence.length === 0) return null;
  return (
    <section
      aria-label={`Evidence for step ${step.number}`}
      tabIndex={canAttach ? 0 : undefined}
      onPaste={
        canAttach
          ? (event) => {
              const file = event.clipboardData.files[0];
              if (file) {
                event.preventDefault();
                void upload(file);
              }
            }
          : undefined
      }
      onDragOver={canAttach ? (event) => (event.preventDefault(), setDragging(true)) : undefined}
      onDragLeave={canAttach ? () => setDragging(false) : undefined}
      onDrop={
        canAttach
          ? (event) => {
              event.preventDefault();
              setDragging(false);
              const file = event.dataTransfer.files[0];
              if (file) void upload(file);
            }
          : undefined
      }
      className={`mt-2 rounded-lg p-2 text-sm outline-none ring-1 focus-visible:ring-2 focus-visible:ring-indigo-500 ${dragging ? "bg-indigo-50 ring-indigo-400 dark:bg-indigo-950" : "ring-slate-200 dark:ring-slate-800"}`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Evidence{step.evidence.length > 0 ? ` (${step.evidence.length})` : ""}</span>
        {canAttach ? (
          <span className="no-print flex items-center gap-2">
            <span className="hidden text-xs text-slate-500 sm:inline">Drop or paste a file here, or</span>
            <label className={`inline-flex min-h-10 cursor-pointer items-center rounded-md px-3 text-xs font-semibold ring-1 ring-slate-300 hover:bg-slate-50 dark:ring-slate-700 dark:hover:bg-slate-800 ${busy ? "opacity-60" : ""}`}>
              {busy ? "Attaching…" : "Attach file"}
              <input
                ref={input}
                type="file"
                className="sr-only"
                disabled={busy}
                accept=".png,.jpg,.jpeg,.gif,.webp,.txt,.log,.out,.csv,.json,.pdf"
                aria-label={`Attach a file to step ${step.number}`}
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file) void upload(file);
                }}
              />
            </label>
          </span>
        ) : null}
      </div>
      {canAttach && step.isFleet ? (
        <label className="no-print mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
          About one client (optional)
          <input
            value={client}
            onChange={(e) => setClient(e.target.value)}
            placeholder="host name"
            className="min-h-9 min-w-0 flex-1 rounded-md px-2 font-mono ring-1 ring-slate-300 dark:bg-slate-950 dark:ring-slate-700"
          />
        </label>
      ) : null}
      {error ? (
        <p role="alert" className="mt-1 text-rose-700 dark:text-rose-300">
          {error}
        </p>
      ) : null}
      {step.evidence.length > 0 ? (
        <ul className="mt-1 space-y-1">
          {step.evidence.map((file) => (
            <li key={file.id} className="flex flex-wrap items-baseline gap-x-2 [overflow-wrap:anywhere]">
              <a href={`/api/attachments/${file.id}`} className="font-medium text-indigo-700 underline dark:text-indigo-300" target="_blank" rel="noreferrer">
                {file.name}
              </a>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {file.client ? <span className="font-mono">{file.client} · </span> : null}
                {formatBytes(file.size)} · {file.by} · <span title={`SHA-256 ${file.sha256}`}>SHA-256 {file.sha256.slice(0, 12)}…</span>
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
