"use client";
import { useId, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { formatCount } from "@/lib/platform/format";
import type { FleetImportResult } from "@/lib/fleet/service";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, FormError, Select, TextArea } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { Table } from "../ui/table";
import { osFamilyLabel } from "./fleet-status";
import { FIELD_NAMES } from "@/lib/fleet/reimport";
import { skippedRowsCsv } from "@/lib/fleet/skipped-rows";

const SHOWN_ERRORS = 100;
const SHOWN_ADDED = 100;
const SHAPE_LABELS: Record<FleetImportResult["shape"], string> = { csv: "CSV", bpplclients: "bpplclients output", "bpplclients-long": "bpplclients -l output", "host-list": "Client names" };
type Format = "auto" | "csv" | "bpplclients";

/**
 * Paste bpplclients output or a CSV, or pick a CSV file; "Check" runs the server's parser without
 * writing (it also knows which clients the project already has), and Import is offered only for
 * the exact text that was checked: all of it when clean, or, when some lines have problems, the
 * valid clients with those lines skipped (the admin sees which before choosing).
 */
export function ImportClientsDialog({ projectId, open, onClose, onImported }: { projectId: string; open: boolean; onClose: () => void; onImported: (result: FleetImportResult) => void }) {
  const [text, setText] = useState("");
  const [format, setFormat] = useState<Format>("auto");
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ text: string; format: Format; result: FleetImportResult } | null>(null);
  const [busy, setBusy] = useState<"check" | "import" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [serverLines, setServerLines] = useState<string[]>([]);

  const checked = preview && preview.text === text && preview.format === format ? preview.result : null;
  const canImport = checked !== null && checked.importable > 0;
  // Lines with problems: importing means skipping them, which the button says.
  const skipping = checked !== null && checked.errorCount > 0;

  async function check(nextText = text, nextFormat = format) {
    if (nextText.trim() === "") return setError("Paste a client list or choose a file first.");
    setBusy("check");
    setError(null);
    setServerLines([]);
    const result = await apiRequest<FleetImportResult>("POST", `/api/projects/${projectId}/fleet/import`, { text: nextText, format: nextFormat, dryRun: true, skipInvalid: true });
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    setPreview({ text: nextText, format: nextFormat, result: result.data });
  }

  async function importNow() {
    setBusy("import");
    setError(null);
    const result = await apiRequest<FleetImportResult>("POST", `/api/projects/${projectId}/fleet/import`, { text, format, dryRun: false, skipInvalid: skipping });
    setBusy(null);
    if (!result.ok) {
      // Someone may have imported some of these meanwhile: show the server's per-line reasons.
      setError(result.error.message);
      setServerLines(result.error.fieldErrors.text ?? []);
      setPreview(null);
      return;
    }
    onImported(result.data);
    setText("");
    setFileName(null);
    setPreview(null);
  }

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 5_000_000) return setError("That file is larger than 5 MB; split it.");
    // TextDecoder (behind File.text) drops a UTF-8 BOM; the server tolerates one anyway.
    const content = await file.text();
    setFileName(file.name);
    setText(content);
    const nextFormat: Format = /\.csv$/i.test(file.name) ? "csv" : format;
    setFormat(nextFormat);
    await check(content, nextFormat);
  }

  return (
    <Dialog open={open} onClose={onClose} title="Import clients">
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Paste the output of <code className="font-mono">bpplclients</code> (plain, <code className="font-mono">-allunique</code>, <code className="font-mono">-l</code>, with or without the
          header), one client name a line, or a CSV with the columns hostname, os, policy, owner (and optionally hardware, or client/display name plus host name for VMs). A client listed once per
          policy becomes one client with its policies; clients the project already has get their empty fields filled in, nothing overwritten. Check shows what would be added, filled in,
          merged and skipped; you can fix the skipped lines, or import the rest and download them.
        </p>
        <Field label="Client list" hint={fileName ? `From ${fileName}` : undefined}>
          {(props) => (
            <TextArea
              {...props}
              rows={8}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setFileName(null);
              }}
              spellCheck={false}
              className="font-mono text-xs"
              placeholder={"Solaris   Solaris9     acct-db01\nPC-x64    Windows2008  sql-cl01"}
            />
          )}
        </Field>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="…or a CSV file" className="min-w-0 flex-1">
            {(props) => (
              <input
                {...props}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                onChange={(e) => void readFile(e.target.files?.[0])}
                className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold dark:file:bg-slate-800"
              />
            )}
          </Field>
          <Field label="Format" className="w-44">
            {(props) => (
              <Select {...props} value={format} onChange={(e) => setFormat(e.target.value as Format)}>
                <option value="auto">Detect</option>
                <option value="bpplclients">bpplclients output</option>
                <option value="csv">CSV</option>
              </Select>
            )}
          </Field>
        </div>
        <FormError message={error} />
        {serverLines.length > 0 ? (
          <ul className="max-h-40 list-disc overflow-y-auto pl-5 text-sm text-rose-800 dark:text-rose-200">
            {serverLines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        ) : null}

        {checked ? <ImportPreview result={checked} text={preview!.text} /> : null}

        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="secondary" onClick={() => void check()} disabled={busy !== null || text.trim() === ""}>
            {busy === "check" ? "Checking…" : "Check"}
          </Button>
          <Button onClick={() => void importNow()} disabled={busy !== null || !canImport}>
            {busy === "import"
              ? "Importing…"
              : checked && canImport
                ? `Import ${formatCount(checked.added)} new client${checked.added === 1 ? "" : "s"}${checked.updated > 0 ? `, fill in ${formatCount(checked.updated)}` : ""}${skipping ? `, skip ${formatCount(checked.errorCount)} line${checked.errorCount === 1 ? "" : "s"}` : ""}`
                : "Import"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function ImportPreview({ result, text }: { result: FleetImportResult; text: string }) {
  const families = (["UNIX", "WINDOWS", "AGENTLESS", "UNKNOWN"] as const).filter((f) => result.osFamilies[f] > 0).map((f) => `${formatCount(result.osFamilies[f])} ${osFamilyLabel(f)}`);
  return (
    <div className="space-y-2 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-950/40 dark:ring-slate-800" aria-label="Import preview" role="region">
      <p className="flex flex-wrap items-center gap-2">
        <Pill>{SHAPE_LABELS[result.shape]}</Pill>
        {result.errorCount === 0 ? (
          <span className="font-semibold text-emerald-800 dark:text-emerald-200">
            Ready: {formatCount(result.added)} new client{result.added === 1 ? "" : "s"}
            {result.updated > 0 ? `, ${formatCount(result.updated)} to fill in` : ""}
            {result.unchanged > 0 ? `, ${formatCount(result.unchanged)} already there unchanged` : ""} ({families.join(", ") || "none"})
          </span>
        ) : (
          <span role="alert" className="font-semibold text-rose-800 dark:text-rose-200">
            {formatCount(result.errorCount)} line{result.errorCount === 1 ? " has a problem" : "s have problems"}.{" "}
            {result.importable > 0
              ? `Fix ${result.errorCount === 1 ? "it" : "them"} and check again, or import the valid clients (${formatCount(result.added)} new${result.updated > 0 ? `, ${formatCount(result.updated)} to fill in` : ""}) and skip ${result.errorCount === 1 ? "it" : "them"}.`
              : `Fix ${result.errorCount === 1 ? "it" : "them"} and check again; there is nothing valid to import yet.`}
          </span>
        )}
      </p>
      {result.mergeNote ? <p className="text-slate-600 dark:text-slate-400">{result.mergeNote}</p> : null}
      {result.errorCount > 0 ? <SkippedRows result={result} text={text} /> : null}
      {result.merged.length > 0 ? (
        <PreviewSection label="Duplicates merged" count={result.merged.length}>
          <PreviewHead columns={["Client", "Lines", "Policies"]} />
          <tbody>
            {result.merged.map((m) => (
              <tr key={m.hostname} className="align-top">
                <td className="py-0.5 pr-2 font-mono">{m.hostname}</td>
                <td className="py-0.5 pr-2 font-mono">{m.lines.join(", ")}</td>
                <td className="py-0.5">{m.policies.join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </PreviewSection>
      ) : null}
      {result.updatedClients.length > 0 ? (
        <PreviewSection label="Already in the project, filled in" count={result.updated}>
          <PreviewHead columns={["Line", "Client", "Fills in"]} />
          <tbody>
            {result.updatedClients.map((u) => (
              <tr key={u.hostname} className="align-top">
                <td className="py-0.5 pr-2 font-mono">{u.line}</td>
                <td className="py-0.5 pr-2 font-mono">{u.hostname}</td>
                <td className="py-0.5">{u.filled.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </PreviewSection>
      ) : null}
      {result.conflicts.length > 0 ? (
        <PreviewSection label="Kept as the project has them" count={result.conflictCount}>
          <PreviewHead columns={["Line", "Client", "Field", "Project", "List", "Why"]} />
          <tbody>
            {result.conflicts.map((c) => (
              <tr key={`${c.hostname}-${c.field}`} className="align-top">
                <td className="py-0.5 pr-2 font-mono">{c.line}</td>
                <td className="py-0.5 pr-2 font-mono">{c.hostname}</td>
                <td className="py-0.5 pr-2">{FIELD_NAMES[c.field]}</td>
                <td className="py-0.5 pr-2">{c.kept || "—"}</td>
                <td className="py-0.5 pr-2">{c.listed}</td>
                <td className="py-0.5">{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </PreviewSection>
      ) : null}
      {result.addedClients.length > 0 ? (
        <PreviewSection label="New clients" count={result.added}>
          <PreviewHead columns={["Line", "Client", "Host name", "OS", "Policy", "Owner"]} />
          <tbody>
            {result.addedClients.slice(0, SHOWN_ADDED).map((c) => (
              <tr key={c.line} className="align-top">
                <td className="py-0.5 pr-2 font-mono">{c.line}</td>
                <td className="py-0.5 pr-2 font-mono">{c.hostname}</td>
                <td className="py-0.5 pr-2 font-mono">{c.networkHostname || "—"}</td>
                <td className="py-0.5 pr-2">
                  {c.os || c.hardware || "—"} <span className="text-slate-500">({osFamilyLabel(c.osFamily)})</span>
                </td>
                <td className="py-0.5 pr-2">{c.policy || "—"}</td>
                <td className="py-0.5">{c.owner || "—"}</td>
              </tr>
            ))}
          </tbody>
        </PreviewSection>
      ) : null}
    </div>
  );
}

/** A titled, scrolling table of the preview, saying how many there are when it shows fewer. */
function PreviewSection({ label, count, children }: { label: string; count: number; children: React.ReactNode }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId} className="font-semibold">
        {label} ({formatCount(count)})
      </h3>
      <div className="max-h-48 overflow-y-auto">
        <Table dense scroll={false}>
          {children}
        </Table>
      </div>
    </section>
  );
}

/** The lines that will be skipped, with their reasons, and the same as a CSV to fix and import again. */
function SkippedRows({ result, text }: { result: FleetImportResult; text: string }) {
  const headingId = useId();
  function download() {
    const csv = skippedRowsCsv({ text, errors: result.errors });
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "skipped-rows.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
  return (
    <section aria-labelledby={headingId}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="font-semibold">
          Skipped rows ({formatCount(result.errorCount)})
        </h3>
        <Button size="sm" variant="secondary" onClick={download}>
          Download skipped rows
        </Button>
      </div>
      <div className="max-h-56 overflow-y-auto">
        <Table dense scroll={false}>
          <PreviewHead columns={["Line", "Client", "Problem"]} />
          <tbody>
            {result.errors.slice(0, SHOWN_ERRORS).map((e, i) => (
              <tr key={i} className="align-top">
                <td className="py-0.5 pr-2 font-mono">{e.line}</td>
                <td className="py-0.5 pr-2 font-mono">{e.hostname ?? "—"}</td>
                <td className="py-0.5">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </Table>
        {result.errorCount > SHOWN_ERRORS ? <p className="mt-1 text-xs text-slate-500">…and {formatCount(result.errorCount - SHOWN_ERRORS)} more (all of them in the download).</p> : null}
      </div>
    </section>
  );
}

/** The preview tables' header row: plain column names (not the uppercase TableHead), the last one without right padding. */
function PreviewHead({ columns }: { columns: string[] }) {
  return (
    <thead className="text-slate-500">
      <tr>
        {columns.map((column, i) => (
          <th key={column} scope="col" className={i < columns.length - 1 ? "py-1 pr-2" : "py-1"}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
