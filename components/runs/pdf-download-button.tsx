"use client";

import { useId, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { buttonClasses } from "../ui/button";

type State = { kind: "idle" } | { kind: "working" } | { kind: "failed"; message: string };

/** The file name from `attachment; filename="…"; filename*=UTF-8''…` (the UTF-8 form wins). */
function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (utf8) {
    try {
      return decodeURIComponent(utf8[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? null;
}

/**
 * "Download PDF": a plain link to the export route (so it works without JavaScript), fetched by
 * script when it can, so a refusal shows as a message next to the button rather than as a failed
 * or bogus download. A PDF takes seconds to make, and a busy server answers 503 ("Too many PDF
 * exports at once; try again in a minute"): that is said here, in words, and nothing is saved.
 */
export function PdfDownloadButton({ href, title, ariaLabel, className = "", children }: { href: string; title: string; ariaLabel: string; className?: string; children: ReactNode }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const busy = useRef(false);
  const errorId = useId();

  async function download(event: MouseEvent<HTMLAnchorElement>) {
    // Open in a new tab, save-link-as and friends stay the browser's.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    setState({ kind: "working" });
    try {
      let response: Response;
      try {
        response = await fetch(href, { credentials: "same-origin", cache: "no-store" });
      } catch {
        setState({ kind: "failed", message: "No connection to the server. Check the network and try again." });
        return;
      }
      if (!response.ok || response.headers.get("content-type") !== "application/pdf") {
        const payload = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        const message = payload?.error?.message ?? (response.status === 401 ? "Your session has expired. Sign in again." : `The PDF could not be made (the server answered ${response.status}).`);
        setState({ kind: "failed", message });
        return;
      }
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = filenameOf(response.headers.get("content-disposition")) ?? "runsheet-record.pdf";
      document.body.append(link);
      link.click();
      link.remove();
      // The download has taken the blob by the time this runs; the URL would only hold memory.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ kind: "idle" });
    } finally {
      busy.current = false;
    }
  }

  return (
    <span className="inline-flex flex-col">
      <a
        href={href}
        download
        title={title}
        aria-label={ariaLabel}
        aria-busy={state.kind === "working"}
        aria-describedby={state.kind === "failed" ? errorId : undefined}
        onClick={download}
        className={buttonClasses({ variant: "secondary", className })}
      >
        {children}
        {state.kind === "working" ? <span className="text-xs text-slate-500 dark:text-slate-400">(preparing…)</span> : null}
      </a>
      {state.kind === "failed" ? (
        <span id={errorId} role="alert" className="mt-1 max-w-xs text-xs text-rose-700 dark:text-rose-300">
          {state.message}
        </span>
      ) : null}
    </span>
  );
}
