import { ButtonLink } from "../ui/button";
import { PdfDownloadButton } from "./pdf-download-button";

/**
 * Downloads of a run: the PDF record, the step CSV and the JSON document. Plain links to the
 * export routes (the server sends them as attachments), so this stays a server component and
 * works without JavaScript. The PDF's link is fetched by script when it can: making it takes
 * seconds and a busy server may refuse it, which must show as a message, not as a download.
 * Hidden when printing.
 */
const FORMATS = [
  { format: "pdf", label: "PDF", title: "The run as a PDF record: cover, summary, every step, fleet and audit trail" },
  { format: "csv", label: "CSV", title: "One row per step, for spreadsheets" },
  { format: "json", label: "JSON", title: "The plan and the run's state and audit events, as a versioned JSON document" },
] as const;

export function ExportLinks({ runId, className = "" }: { runId: string; className?: string }) {
  const base = `/api/runs/${encodeURIComponent(runId)}/export`;
  return (
    <div role="group" aria-label="Export this run" className={`no-print flex flex-wrap items-center gap-2 ${className}`}>
      <span className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">Export</span>
      {FORMATS.map(({ format, label, title }) => {
        const icon = (
          <svg aria-hidden="true" viewBox="0 0 16 16" className="h-4 w-4 fill-none stroke-current" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round">
            <path d="M8 2.5v7.5M4.75 7 8 10.25 11.25 7M3 13.5h10" />
          </svg>
        );
        if (format === "pdf") {
          return (
            <PdfDownloadButton key={format} href={`${base}/${format}`} title={title} ariaLabel={`Download ${label}: ${title}`} className="min-h-9 focus-visible:outline-indigo-600">
              {icon}
              Download {label}
            </PdfDownloadButton>
          );
        }
        return (
          <ButtonLink
            key={format}
            href={`${base}/${format}`}
            download
            title={title}
            aria-label={`Download ${label}: ${title}`}
            variant="secondary"
            className="min-h-9 focus-visible:outline-indigo-600"
          >
            {icon}
            Download {label}
          </ButtonLink>
        );
      })}
    </div>
  );
}
