"use client";
import { useRouter } from "next/navigation";
import { newTeamNames } from "@/lib/teams/model";
import { useEffect, useId, useMemo, useState, type ChangeEvent } from "react";
import { apiRequest, getJson, isAborted } from "@/lib/platform/http/api-client";
import {
  DATE_ORDER_LABELS,
  decodeCsvBytes,
  defaultImportOptions,
  formatImportError,
  IMPORT_FIELD_LABELS,
  IMPORT_FIELDS,
  parseCsv,
  PREDECESSOR_MODE_LABELS,
  REQUIRED_IMPORT_FIELDS,
  ROW_ORDER_LABELS,
  PHASE_WINDOW_LABELS,
  validateStepImport,
  type CsvEncoding,
  type DateOrder,
  type KnownUser,
  type ImportField,
  type StepImportOptions,
} from "@/lib/import/steps";
import { chooseSheet, recognisePlanFile } from "@/lib/import/plan-file";
import { decodePlanText, planFromWorkbook, PlanFileError, readWorkbook, type Workbook } from "@/lib/import/read-plan-file";
import { KIND_LABELS } from "@/lib/runs/model";
import { formatInZone, formatMinutes } from "@/lib/platform/time";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, FormSuccess, Select, TextArea } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { Table, TableBody, TableHead } from "../ui/table";

interface Source {
  text: string;
  fileName: string;
  /** Set for uploaded files, so they can be re-read in another encoding (text) or sent as they are (.xlsx). */
  bytes: Uint8Array | null;
  encoding: CsvEncoding | "pasted" | "xlsx";
  invalidBytes: boolean;
  /** An .xlsx: every sheet as text, and the one being previewed. */
  workbook?: Workbook;
  sheet?: string | null;
}

/** The .xlsx travels as base64 in the JSON body; chunked, because spreading 5 MB into fromCharCode overflows the stack. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The table of the file as the preview reads it: the chosen sheet of a workbook, or the CSV text. */
function parseSource(source: Source) {
  if (!source.workbook) return parseCsv(source.text);
  try {
    return planFromWorkbook(source.workbook, source.sheet);
  } catch (error) {
    return { delimiter: ",", headers: [], records: [], fileErrors: [error instanceof Error ? error.message : String(error)] };
  }
}

const NOT_MAPPED = "";

/** GET /api/projects/{id}/import: who can be an assignee, the phases steps may merge into, the window the forecast is measured against. */
interface ImportContext {
  emails: string[];
  users: KnownUser[];
  phaseTitles: string[];
  /** The installation's teams: names the file uses that are none of them become teams on import. */
  teams?: string[];
  window: { start: string; end: string; timezone: string };
}

/**
 * "Import steps from CSV" on the project page (admins): upload a file exported from Excel or
 * Smartsheet (or paste cells) → map its columns → preview every row with its problems → import.
 * The preview runs lib/import/steps.ts in the browser; the server runs it again and imports all
 * rows in one transaction, or none.
 */
export function ImportStepsPanel({ projectId }: { projectId: string }) {
  const router = useRouter();
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [context, setContext] = useState<ImportContext | null>(null);
  const [source, setSource] = useState<Source | null>(null);
  const [pasted, setPasted] = useState("");
  const [options, setOptions] = useState<StepImportOptions | null>(null);
  const [serverError, setServerError] = useState<{ message: string; rows: string[] } | null>(null);
  /** What the chosen file is when it isn't a plan Runsheet can read (a PDF, an .xls…): one message, no preview. */
  const [fileError, setFileError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    getJson<ImportContext>(`/api/projects/${projectId}/import`, { signal: controller.signal }).then((result) => {
      if (result.ok) setContext(result.data);
      else if (!isAborted(result.error)) setServerError({ message: result.error.message, rows: [] });
    });
    return () => controller.abort();
  }, [open, projectId, done]);

  const parsed = useMemo(() => (source ? parseSource(source) : null), [source]);
  const result = useMemo(
    () => (parsed && options ? validateStepImport({ parsed, options, knownEmails: context?.emails ?? null, knownUsers: context?.users ?? null, existingPhaseTitles: context?.phaseTitles ?? [], name: source?.fileName }) : null),
    [parsed, options, context, source],
  );

  function applySource(next: Source) {
    setSource(next);
    setOptions(defaultImportOptions(parseSource(next)));
    setServerError(null);
    setFileError(null);
    setDone(null);
  }

  /** What the file is comes from its bytes (an .xlsx renamed .csv is still a workbook), not its name. */
  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    // Cleared so choosing the same (corrected) file again fires another change event.
    event.target.value = "";
    const kind = recognisePlanFile(bytes);
    const refuse = (message: string) => {
      setSource(null);
      setOptions(null);
      setServerError(null);
      setFileError(`${file.name}: ${message}`);
    };
    if (kind.kind === "refused") return refuse(kind.message);
    if (kind.kind === "xlsx") {
      try {
        const workbook = await readWorkbook(bytes);
        applySource({ text: "", fileName: file.name, bytes, encoding: "xlsx", invalidBytes: false, workbook, sheet: chooseSheet(workbook)?.name ?? null });
      } catch (error) {
        refuse(error instanceof PlanFileError ? error.message : "The workbook could not be read. Open it in Excel and save it again as .xlsx, or as CSV.");
      }
      return;
    }
    const decoded = decodePlanText(bytes, kind.encoding);
    applySource({ text: decoded.text, fileName: file.name, bytes, encoding: decoded.encoding, invalidBytes: decoded.invalidBytes });
  }

  function chooseWorkbookSheet(sheet: string) {
    if (!source?.workbook) return;
    applySource({ ...source, sheet });
  }

  function rereadAsWindows1252() {
    if (!source?.bytes) return;
    const decoded = decodeCsvBytes(source.bytes, "windows-1252");
    setSource({ ...source, text: decoded.text, encoding: decoded.encoding, invalidBytes: false });
  }

  function setMapping(field: ImportField, value: string) {
    setOptions((o) => (o ? { ...o, mapping: { ...o.mapping, [field]: value === NOT_MAPPED ? null : Number(value) } } : o));
  }

  function setPhaseInWindow(title: string, inWindow: boolean) {
    setOptions((o) => (o ? { ...o, phaseWindow: { ...o.phaseWindow, [title]: inWindow } } : o));
  }

  function setColumnIgnored(index: number, ignore: boolean) {
    setOptions((o) => {
      if (!o) return o;
      const rest = (o.ignoreColumns ?? []).filter((c) => c !== index);
      return { ...o, ignoreColumns: ignore ? [...rest, index] : rest };
    });
  }

  async function runImport() {
    if (!source || !options) return;
    setPending(true);
    setServerError(null);
    const file = source.workbook && source.bytes ? { base64: toBase64(source.bytes), sheet: source.sheet ?? undefined } : { csv: source.text };
    const response = await apiRequest<{ stepCount: number; phaseCount: number; mergedInto: string[] }>("POST", `/api/projects/${projectId}/import`, { ...file, fileName: source.fileName, options });
    setPending(false);
    if (!response.ok) {
      const rows = Object.entries(response.error.fieldErrors).flatMap(([key, messages]) => messages.map((m) => (key.startsWith("rows.") ? `Row ${key.slice(5)}: ${m}` : m)));
      setServerError({ message: response.error.message, rows });
      return;
    }
    const { stepCount, phaseCount, mergedInto } = response.data;
    setDone(
      `Imported ${stepCount} step${stepCount === 1 ? "" : "s"} in ${phaseCount} phase${phaseCount === 1 ? "" : "s"}${mergedInto.length ? ` (added to the existing ${mergedInto.map((t) => `“${t}”`).join(", ")})` : ""}.`,
    );
    setSource(null);
    setOptions(null);
    setPasted("");
    router.refresh();
  }

  function close() {
    setOpen(false);
    setSource(null);
    setOptions(null);
    setServerError(null);
    setFileError(null);
  }

  if (!open) {
    return (
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={() => setOpen(true)}>
          Import steps from CSV or Excel
        </Button>
        {done ? (
          <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
            {done}
          </p>
        ) : null}
      </div>
    );
  }

  const errorRows = result ? new Set(result.errors.map((e) => e.row).filter((r) => r !== null)).size : 0;
  const fileErrors = result ? result.errors.filter((e) => e.row === null) : [];
  const headerOptions = parsed?.headers.map((h, i) => ({ value: String(i), label: h.trim() || `Column ${i + 1} (no header)` })) ?? [];
  const hasIds = result?.rows.some((r) => r.id !== "") ?? false;

  return (
    <Card className="p-4 sm:p-5" aria-labelledby={`${ids}-heading`} data-panel="import-steps">
      <div className="mb-4 flex items-start justify-between gap-3">
        <div>
          <h2 id={`${ids}-heading`} className="text-lg font-bold">
            Import steps from CSV or Excel
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            From Excel (&ldquo;CSV UTF-8&rdquo;) or Smartsheet. Everything is imported or nothing: a file with a problem in any row imports nothing.
          </p>
        </div>
        <Button variant="ghost" onClick={close}>
          Close
        </Button>
      </div>

      <FormSuccess message={done} className="mb-4" />

      <ol className="space-y-6">
        <li>
          <h3 className="mb-2 text-sm font-semibold">1. Choose the file</h3>
          <div className="grid gap-4 md:grid-cols-2">
            <Field label="CSV file or Excel workbook" hint="CSV (comma, semicolon or tab separated) or .xlsx. A title above the header row and a two-row header are fine. Save .xls and .ods files as .xlsx first.">
              {(a) => (
                <input
                  {...a}
                  type="file"
                  accept=".csv,.tsv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                  onChange={readFile}
                  className="block w-full text-sm file:mr-2 file:rounded file:border-0 file:bg-slate-200 file:px-2 file:py-1 dark:file:bg-slate-700"
                />
              )}
            </Field>
            <div>
              <Field label="Or paste the cells" hint="Copy the rows with their header from the spreadsheet.">
                {(a) => <TextArea {...a} rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} className="font-mono text-xs" spellCheck={false} />}
              </Field>
              <Button size="sm" variant="secondary" className="mt-2" disabled={pasted.trim() === ""} onClick={() => applySource({ text: pasted, fileName: "pasted cells", bytes: null, encoding: "pasted", invalidBytes: false })}>
                Use the pasted cells
              </Button>
            </div>
          </div>
          {fileError ? (
            <div role="alert" className="mt-2 rounded-md bg-rose-50 p-3 text-sm text-rose-900 ring-1 ring-rose-200 dark:bg-rose-950/50 dark:text-rose-200 dark:ring-rose-900">
              {fileError}
            </div>
          ) : null}
          {source?.workbook && source.workbook.length > 1 ? (
            <Field label="Sheet" className="mt-2 max-w-sm" hint="The first sheet that looks like a plan is chosen; pick another if the plan is elsewhere.">
              {(a) => (
                <Select {...a} value={source.sheet ?? ""} onChange={(e) => chooseWorkbookSheet(e.target.value)}>
                  {source.workbook!.map((sheet) => (
                    <option key={sheet.name} value={sheet.name}>
                      {sheet.name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          ) : null}
          {source ? (
            <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
              <span className="font-mono">{source.fileName}</span>
              {source.encoding === "xlsx" ? ` · Excel workbook${source.sheet ? `, sheet “${source.sheet}”` : ""}` : source.encoding !== "pasted" ? ` · read as ${source.encoding}` : ""}
              {parsed ? ` · ${parsed.headers.length} columns · ${parsed.records.filter((r) => r.cells.some((c) => c !== "")).length} rows` : ""}
              {/* A title above the header, or a two-row header: say where the rows start, so a wrong guess shows. */}
              {parsed && parsed.records.length > 0 && parsed.records[0].sheetRow > 2 ? ` · steps from row ${parsed.records[0].sheetRow}` : ""}
            </p>
          ) : null}
          {source?.invalidBytes ? (
            <div role="alert" className="mt-2 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900">
              The file is not valid UTF-8: some characters could not be decoded (they show as &ldquo;�&rdquo; and their rows are marked below). Excel&apos;s plain &ldquo;CSV&rdquo; on
              Windows writes Windows-1252.{" "}
              <Button size="sm" variant="secondary" onClick={rereadAsWindows1252}>
                Read it as Windows-1252
              </Button>
            </div>
          ) : null}
        </li>

        {parsed && options ? (
          <li>
            <h3 className="mb-2 text-sm font-semibold">2. Match the columns</h3>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
              {IMPORT_FIELDS.map((field) => (
                <Field key={field} label={`${IMPORT_FIELD_LABELS[field]}${REQUIRED_IMPORT_FIELDS.includes(field) ? " *" : ""}`}>
                  {(a) => (
                    <Select {...a} value={options.mapping[field] === undefined || options.mapping[field] === null ? NOT_MAPPED : String(options.mapping[field])} onChange={(e) => setMapping(field, e.target.value)}>
                      <option value={NOT_MAPPED}>— not in the file —</option>
                      {headerOptions.map((h) => (
                        <option key={h.value} value={h.value}>
                          {h.label}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
              ))}
              <Field label="Predecessors refer to" className="sm:col-span-2">
                {(a) => (
                  <Select {...a} value={options.predecessorsBy} onChange={(e) => setOptions({ ...options, predecessorsBy: e.target.value as StepImportOptions["predecessorsBy"] })}>
                    {Object.entries(PREDECESSOR_MODE_LABELS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field
                label="Steps that name no predecessors"
                className="sm:col-span-2"
                hint="Real plans usually give the order by row: each step follows the one above it (the first step of a phase follows the last step of the phase before)."
              >
                {(a) => (
                  <Select {...a} value={options.rowOrder ?? "sequence"} onChange={(e) => setOptions({ ...options, rowOrder: e.target.value as NonNullable<StepImportOptions["rowOrder"]> })}>
                    {Object.entries(ROW_ORDER_LABELS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="A bare number in the duration column is" className="sm:col-span-2">
                {(a) => (
                  <Select {...a} value={options.durationUnit} onChange={(e) => setOptions({ ...options, durationUnit: e.target.value as StepImportOptions["durationUnit"] })}>
                    <option value="minutes">minutes</option>
                    <option value="hours">hours</option>
                  </Select>
                )}
              </Field>
              {[options.mapping.start, options.mapping.end].some((c) => c !== undefined && c !== null) ? (
                <Field label="Dates in the start and end columns are" className="sm:col-span-2">
                  {(a) => (
                    <Select {...a} value={options.dateOrder ?? NOT_MAPPED} onChange={(e) => setOptions({ ...options, dateOrder: e.target.value === NOT_MAPPED ? undefined : (e.target.value as DateOrder) })}>
                      {options.dateOrder === undefined ? <option value={NOT_MAPPED}>Day first (a guess: the dates could be either)</option> : null}
                      {Object.entries(DATE_ORDER_LABELS).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
              ) : null}
            </div>
            {result?.headerless.some((c) => !Object.values(options.mapping).includes(c.index)) ? (
              <fieldset className="mt-3 text-sm">
                <legend className="font-medium">Columns without a header</legend>
                {result.headerless
                  .filter((c) => !Object.values(options.mapping).includes(c.index))
                  .map((c) => (
                    <label key={c.index} className="mt-1 flex items-center gap-2">
                      <input type="checkbox" checked={c.ignored} onChange={(e) => setColumnIgnored(c.index, e.target.checked)} />
                      Ignore column {c.index + 1} (no header; values in row{c.rows.length === 1 ? "" : "s"} {c.rows.slice(0, 8).join(", ")}
                      {c.rows.length > 8 ? "…" : ""})
                    </label>
                  ))}
              </fieldset>
            ) : null}
          </li>
        ) : null}

        {result ? (
          <li>
            <h3 className="mb-2 text-sm font-semibold">3. Check the preview</h3>
            {result.phases.length ? (
              <fieldset className="mb-2 text-xs">
                <legend className="sr-only">Phases, and whether each is in the downtime window</legend>
                <ul className="flex flex-wrap gap-x-4 gap-y-1.5">
                  {result.phases.map((p) => (
                    <li key={p.title} className="flex items-center gap-1.5">
                      <Pill tone={p.existing ? "sky" : "slate"}>
                        {p.title}: {p.stepCount} step{p.stepCount === 1 ? "" : "s"}, {formatMinutes(p.plannedMinutes)} · {p.existing ? "added to the existing phase" : "new phase"}
                      </Pill>
                      <label className="flex items-center gap-1">
                        <input type="checkbox" checked={p.inWindow} onChange={(e) => setPhaseInWindow(p.title, e.target.checked)} aria-label={`${p.title}: in the downtime window`} />
                        in the window
                        {p.windowGuess !== "inside" ? <span className="text-slate-500">(its name says {PHASE_WINDOW_LABELS[p.windowGuess]})</span> : null}
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
            ) : null}
            {result.rows.length ? (
              <p className="mb-2 text-sm" data-testid="import-totals">
                Planned total <span className="font-semibold tabular-nums">{formatMinutes(result.totals.plannedMinutes)}</span> ({result.totals.plannedMinutes} min) · critical path{" "}
                {result.totals.criticalPathMinutes === null ? (
                  <span>unknown until the cycle is fixed</span>
                ) : (
                  <span className="font-semibold tabular-nums">
                    {formatMinutes(result.totals.criticalPathMinutes)} ({result.totals.criticalPathMinutes} min)
                  </span>
                )}
                {result.rows.some((r) => !r.estimated) ? ` · ${result.rows.filter((r) => !r.estimated).length} not estimated` : ""}
              </p>
            ) : null}
            {result.rows.length && context && result.totals.windowCriticalPathMinutes !== null ? <ImportForecast minutes={result.totals.windowCriticalPathMinutes} window={context.window} phasesOutside={result.phases.filter((p) => !p.inWindow).map((p) => p.title)} /> : null}
            {context?.teams && newTeamNames(result.rows.map((r) => r.team), context.teams).length ? (
              <div role="region" aria-label="New teams" className="mb-3 rounded-md bg-sky-50 p-3 text-sm ring-1 ring-sky-200 dark:bg-sky-950/40 dark:ring-sky-900">
                <ul className="space-y-0.5">
                  {newTeamNames(result.rows.map((r) => r.team), context.teams).map((name) => (
                    <li key={name}>New team: {name} (created when you import; merge it on the Teams page if it is a duplicate).</li>
                  ))}
                </ul>
              </div>
            ) : null}
            {result.unmatchedOwners.length ? (
              <div role="region" aria-label="Owners not matched to a user" className="mb-3 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
                <p className="font-semibold">
                  {result.unmatchedOwners.length} owner{result.unmatchedOwners.length === 1 ? " names" : "s name"} no single active user: kept as text (in the step&apos;s details, and as its team when the team is empty), not assigned.
                </p>
                <ul className="mt-1 list-disc space-y-0.5 pl-5">
                  {result.unmatchedOwners.map((o) => (
                    <li key={o.owner}>
                      {o.owner} <span className="text-slate-500">(row{o.rows.length === 1 ? "" : "s"} {o.rows.join(", ")}{o.ambiguous ? "; several users have this name" : ""})</span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {result.warnings.length ? (
              <div className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900" aria-label="Import warnings" role="region">
                <p className="font-semibold">
                  {result.warnings.length} warning{result.warnings.length === 1 ? "" : "s"}: these rows import, but check them.
                </p>
                <ul className="mt-1 list-disc space-y-0.5 pl-5">
                  {result.warnings.slice(0, 12).map((w, i) => (
                    <li key={i}>{formatImportError(w)}</li>
                  ))}
                </ul>
                {result.warnings.length > 12 ? <p className="mt-1">…and {result.warnings.length - 12} more, marked in the table.</p> : null}
              </div>
            ) : null}
            {result.errors.length ? (
              <div role="alert" className="mb-3 rounded-md bg-rose-50 p-3 text-sm text-rose-900 ring-1 ring-rose-200 dark:bg-rose-950/50 dark:text-rose-200 dark:ring-rose-900">
                <p className="font-semibold">
                  {errorRows > 0 ? `${errorRows} row${errorRows === 1 ? " has" : "s have"} problems` : "The file has problems"}. Nothing will be imported until they are fixed.
                </p>
                <ul className="mt-1 list-disc space-y-0.5 pl-5">
                  {[...fileErrors, ...result.errors.filter((e) => e.row !== null)].slice(0, 12).map((e, i) => (
                    <li key={i}>{formatImportError(e)}</li>
                  ))}
                </ul>
                {result.errors.length > 12 ? <p className="mt-1">…and {result.errors.length - 12} more, marked in the table.</p> : null}
              </div>
            ) : (
              <p role="status" className="mb-3 text-sm text-emerald-800 dark:text-emerald-300">
                {result.rows.length} steps are ready to import.
              </p>
            )}
            {result.rows.length ? (
              <Table
                caption="Preview of the rows to import"
                scrollClassName="max-h-[28rem] overflow-y-auto rounded-md ring-1 ring-slate-200 dark:ring-slate-800"
                className="min-w-[48rem]"
              >
                <TableHead className="sticky top-0 bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  {["Row", ...(hasIds ? ["ID"] : []), "Phase", "Title", "Team", "Assignee", "Planned", "After rows", "Problems and warnings"].map((h) => (
                    <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                      {h}
                    </th>
                  ))}
                </TableHead>
                <TableBody>
                  {result.rows.map((row) => (
                    <tr key={row.row} aria-invalid={row.errors.length > 0 || undefined} className={row.errors.length ? "bg-rose-50 dark:bg-rose-950/30" : undefined}>
                      <th scope="row" className="px-2 py-1.5 font-mono text-xs font-semibold">
                        {row.row}
                      </th>
                      {hasIds ? <td className="px-2 py-1.5 font-mono text-xs">{row.id}</td> : null}
                      <td className="px-2 py-1.5">{row.phase}</td>
                      <td className="px-2 py-1.5">
                        {row.title || <span className="italic text-slate-500">empty</span>}
                        {row.kind && row.kind !== "TASK" ? (
                          <span className="ml-1.5">
                            <Pill tone="violet">{KIND_LABELS[row.kind]}</Pill>
                          </span>
                        ) : null}
                      </td>
                      <td className="px-2 py-1.5">{row.team}</td>
                      <td className="px-2 py-1.5 text-xs">
                        {row.assigneeName ? (
                          <>
                            {row.assigneeName} <span className="block font-mono text-slate-500">{row.assignee}</span>
                          </>
                        ) : row.owner ? (
                          <span className="italic text-slate-600 dark:text-slate-400">{row.owner} (text, not a user)</span>
                        ) : (
                          <span className="font-mono">{row.assignee}</span>
                        )}
                      </td>
                      <td className="px-2 py-1.5 tabular-nums">
                        {row.plannedMinutes === null ? "—" : row.estimated ? formatMinutes(row.plannedMinutes) : <span className="italic text-slate-500">not estimated</span>}
                        {row.plannedTime ? <span className="block text-xs text-slate-500">{row.plannedTime}</span> : null}
                      </td>
                      <td className="px-2 py-1.5 font-mono text-xs">
                        {row.predecessorRows.join(", ")}
                        {row.predecessorFromRowOrder ? <span className="ml-1 font-sans text-slate-500">(row above)</span> : null}
                      </td>
                      <td className="px-2 py-1.5">
                        {row.errors.length ? <span className="text-rose-800 dark:text-rose-300">{row.errors.join(" ")}</span> : null}
                        {row.warnings.length ? <span className="block text-amber-800 dark:text-amber-300">{row.warnings.join(" ")}</span> : null}
                      </td>
                    </tr>
                  ))}
                </TableBody>
              </Table>
            ) : null}
          </li>
        ) : null}
      </ol>

      {serverError ? (
        <div className="mt-4">
          <FormError message={serverError.message} />
          {serverError.rows.length ? (
            <ul className="mt-2 list-disc pl-5 text-sm text-rose-800 dark:text-rose-300">
              {serverError.rows.slice(0, 12).map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {result ? (
        <div className="mt-4 flex flex-wrap items-center gap-3">
          <Button onClick={runImport} disabled={pending || !result.document}>
            {pending ? "Importing…" : result.document ? `Import ${result.rows.length} steps` : "Import"}
          </Button>
          {!result.document ? <span className="text-sm text-slate-600 dark:text-slate-400">Fix the file and choose it again; nothing has been imported.</span> : null}
        </div>
      ) : null}
    </Card>
  );
}

/**
 * The imported steps' forecast against the project's window: the critical path of the forward
 * steps in in-window phases, started at the window's start. It counts only these steps (not the
 * project's existing plan) and the lags the plan gives, which runs don't enforce.
 */
function ImportForecast({ minutes, window, phasesOutside }: { minutes: number; window: { start: string; end: string; timezone: string }; phasesOutside: string[] }) {
  const start = new Date(window.start);
  const end = new Date(window.end);
  const finish = new Date(start.getTime() + minutes * 60_000);
  const spare = Math.round((end.getTime() - finish.getTime()) / 60_000);
  return (
    <p className="mb-2 text-sm" data-testid="import-forecast">
      Forecast in the window: <span className="font-semibold tabular-nums">{formatMinutes(minutes)}</span> ({minutes} min) along the critical path
      {phasesOutside.length ? ` (not counting ${phasesOutside.map((t) => `“${t}”`).join(", ")}, outside the window)` : ""}. Starting at the window&apos;s start, {formatInZone(start, window.timezone)}, these steps finish at{" "}
      <span className="font-semibold">{formatInZone(finish, window.timezone)}</span>:{" "}
      {spare >= 0 ? (
        <span className="text-emerald-800 dark:text-emerald-300">{formatMinutes(spare)} before the window ends ({formatInZone(end, window.timezone)}).</span>
      ) : (
        <span className="font-semibold text-rose-800 dark:text-rose-300">
          {formatMinutes(-spare)} after the window ends ({formatInZone(end, window.timezone)}).
        </span>
      )}
    </p>
  );
}
