"use client";
import { useEffect, useId, useMemo, useState } from "react";
import { apiRequest, getJson, isAborted, type ApiError } from "@/lib/platform/http/api-client";
import { formatCount } from "@/lib/platform/format";
import { bpconfCommandsFor, commandHostFor, connectivityCommandsFor } from "@/lib/fleet/bpconf";
import { AGENTLESS_NOT_APPLICABLE } from "@/lib/fleet/model";
import type { FleetStepRow, FleetStepView, FleetUpdateResult } from "@/lib/fleet/service";
import type { FleetUpdateRequest } from "@/lib/fleet/schemas";
import type { FleetStatusName } from "@/lib/fleet/model";
import { Button, ButtonLink } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Field, FormError, Select, TextInput } from "../ui/field";
import { ReasonDialog } from "../ui/reason-dialog";
import { Pill } from "../ui/status-badge";
import { Table, TableBody, TableHead } from "../ui/table";
import { ZonedTime } from "../ui/zoned-time";
import { BpconfBlock } from "./bpconf-block";
import { FLEET_STATUS_LABELS, FLEET_STATUSES } from "@/lib/fleet/model";
import { FLEET_BAR_COLORS, FleetStatusBadge, OsFamilyPill, osFamilyLabel } from "./fleet-status";
import { HostName } from "../ui/host-name";
import { Pager } from "../ui/pager";
import { useSettledSearch } from "./use-settled-search";
import type { ActionOutcome, QueuedFleetUpdate } from "../runs/offline-queue";

const PAGE_SIZE = 100;

type StatusFilter = "ALL" | FleetStatusName;

/**
 * What the operator has ticked. Either rows by id (remembering the version each showed, so a
 * row someone else changed meanwhile is refused, not overwritten), or "everything matching this
 * filter", which spans pages and is sent as the filter itself plus the rows unticked again.
 */
type Selection =
  | { kind: "none" }
  | { kind: "ids"; items: Map<string, number> }
  | { kind: "filter"; status: StatusFilter; q: string; matching: number; excluded: Set<string> };

const NONE: Selection = { kind: "none" };

/** The run page's offline queue: ticks of clients by id wait there when the connection is gone. */
export interface FleetQueueProps {
  /** Ticks of this step waiting to be sent. */
  queued?: QueuedFleetUpdate[];
  submit?: (update: { status: FleetStatusName; reason: string; items: { id: string; version: number }[]; hostnames: string[] }) => Promise<ActionOutcome>;
}

export interface FleetPanelProps extends FleetQueueProps {
  runId: string;
  stepId: string;
  /** canUpdateFleet(user): operators and admins tick clients. The panel also checks that the run is active. */
  canUpdate: boolean;
  /** Any value that changes when the page hears of a change (e.g. the live event's seq); the panel re-fetches. */
  refreshKey?: string | number | null;
  /** Start with the client table open instead of just the counts. */
  defaultOpen?: boolean;
}

/**
 * Per-client tracking of one fleet step in one run: live counts and a progress bar, and (opened)
 * a server-paginated table with a status filter, host-name search, bulk select across pages and
 * bulk ticks. Fetches its own data, so the run page's props stay small with 5,000 clients.
 */
const NOTHING_QUEUED: QueuedFleetUpdate[] = [];
/** On a phone the panel reaches under the step card's number column (w-9 + gap-3): the client table needs the width. */
const PANEL_BOX = "mt-3 -ml-12 rounded-lg p-2 ring-1 ring-slate-200 sm:ml-0 sm:p-3 dark:ring-slate-800";

export function FleetPanel({ runId, stepId, canUpdate, refreshKey = null, defaultOpen = false, queued = NOTHING_QUEUED, submit }: FleetPanelProps) {
  const [open, setOpen] = useState(defaultOpen);
  const [status, setStatus] = useState<StatusFilter>("ALL");
  const [page, setPage] = useState(1);
  const [reload, setReload] = useState(0);
  const [data, setData] = useState<FleetStepView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>(NONE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The notice says a tick is waiting for the connection, not that it was applied. */
  const [noticeQueued, setNoticeQueued] = useState(false);
  const [failDialog, setFailDialog] = useState<{ row: FleetStepRow | null } | null>(null);

  // Search as you type, without a request per keystroke.
  const { search, setSearch, q } = useSettledSearch(() => {
    setPage(1);
    setSelection(NONE);
  });

  useEffect(() => {
    const controller = new AbortController();
    // Closed, the panel shows only counts: ask for one row, not a page.
    const params = new URLSearchParams({ status, q, page: String(page), pageSize: String(open ? PAGE_SIZE : 1) });
    getJson<FleetStepView>(`/api/runs/${runId}/fleet/${stepId}?${params}`, { signal: controller.signal }).then((result) => {
      if (result.ok) {
        setData(result.data);
        setLoadError(null);
      } else if (!isAborted(result.error)) {
        setLoadError(result.error.message);
      }
    });
    return () => controller.abort();
  }, [runId, stepId, status, q, page, open, refreshKey, reload]);

  const counts = data?.counts ?? { PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0, total: 0 };
  const canAct = canUpdate && data?.run.status === "ACTIVE";
  const rows = open ? (data?.rows ?? []) : [];
  // Host names of every row seen, so a queued tick of a selection spanning pages can be named.
  const [hostnameById] = useState(() => new Map<string, string>());
  for (const row of data?.rows ?? []) hostnameById.set(row.id, row.hostname);
  // A client with a tick waiting in the offline queue offers no second tick until it is sent.
  const queuedIds = useMemo(() => new Set(queued.flatMap((item) => item.items.map((i) => i.id))), [queued]);
  // Once the queue has been sent, "is queued" is no longer true: drop it and show the new state.
  useEffect(() => {
    if (!noticeQueued || queued.length > 0) return;
    setNotice(null);
    setNoticeQueued(false);
    setReload((n) => n + 1);
  }, [queued.length, noticeQueued]);
  const selectedCount = selection.kind === "ids" ? selection.items.size : selection.kind === "filter" ? selection.matching - selection.excluded.size : 0;
  const isSelected = (row: FleetStepRow) => (selection.kind === "ids" ? selection.items.has(row.id) : selection.kind === "filter" ? !selection.excluded.has(row.id) : false);
  const selectable = rows.filter((row) => !queuedIds.has(row.id));
  const pageAllSelected = selectable.length > 0 && selectable.every(isSelected);
  const done = counts.UPDATED + counts.VERIFIED;
  const percentDone = counts.total === 0 ? 0 : Math.round((done / counts.total) * 100);
  // A row's copyable commands; null for a step without commands. An agentless client gets none
  // ("n/a: agentless"), nor does a VM listed by display name without a host name; a client of
  // unknown OS gets the UNIX form with a first line saying to check its OS.
  const commandFor = useMemo(() => {
    if (!data) return null;
    const build = data.bpconf
      ? (client: FleetStepRow) => {
          const c = bpconfCommandsFor({ plan: data.bpconf!, client });
          return `${c.fromMaster}\n\n${c.onClient}\n\n${c.verify}`;
        }
      : data.step.fleetAction === "CHECK_CONNECTIVITY"
        ? (client: FleetStepRow) => connectivityCommandsFor({ client })
        : null;
    if (!build) return null;
    return (row: FleetStepRow): { text: string } | { none: string } => {
      if (row.osFamily === "AGENTLESS") return { none: AGENTLESS_NOT_APPLICABLE };
      const host = commandHostFor(row);
      if (!host) return { none: "no host name" };
      const text = build({ ...row, hostname: host });
      return { text: row.osFamily === "UNKNOWN" ? `# OS unknown: check ${host}'s OS first (these are the UNIX commands)\n${text}` : text };
    };
  }, [data]);

  function changeStatusFilter(next: StatusFilter) {
    setStatus(next);
    setPage(1);
    setSelection(NONE);
    setOpen(true);
  }

  function toggleRow(row: FleetStepRow) {
    setSelection((current) => {
      if (current.kind === "filter") {
        const excluded = new Set(current.excluded);
        if (excluded.has(row.id)) excluded.delete(row.id);
        else excluded.add(row.id);
        return excluded.size >= current.matching ? NONE : { ...current, excluded };
      }
      const items = new Map(current.kind === "ids" ? current.items : []);
      if (items.has(row.id)) items.delete(row.id);
      else items.set(row.id, row.version);
      return items.size === 0 ? NONE : { kind: "ids", items };
    });
  }

  function togglePage() {
    setSelection((current) => {
      if (current.kind === "filter") {
        const excluded = new Set(current.excluded);
        for (const row of rows) {
          if (pageAllSelected) excluded.add(row.id);
          else excluded.delete(row.id);
        }
        return excluded.size >= current.matching ? NONE : { ...current, excluded };
      }
      const items = new Map(current.kind === "ids" ? current.items : []);
      for (const row of rows) {
        if (pageAllSelected) items.delete(row.id);
        // A client whose tick waits in the offline queue can't join another tick until it is sent.
        else if (!queuedIds.has(row.id)) items.set(row.id, row.version);
      }
      return items.size === 0 ? NONE : { kind: "ids", items };
    });
  }

  async function apply(target: FleetStatusName, options: { row?: FleetStepRow; reason?: string } = {}): Promise<string | null> {
    let body: FleetUpdateRequest;
    if (options.row) {
      body = { status: target, reason: options.reason ?? "", selection: { kind: "ids", items: [{ id: options.row.id, version: options.row.version }] } };
    } else if (selection.kind === "ids") {
      body = { status: target, reason: options.reason ?? "", selection: { kind: "ids", items: [...selection.items].map(([id, version]) => ({ id, version })) } };
    } else if (selection.kind === "filter") {
      body = {
        status: target,
        reason: options.reason ?? "",
        selection: { kind: "filter", status: selection.status, q: selection.q, expectedCount: selectedCount, excludeIds: [...selection.excluded] },
      };
    } else {
      return null;
    }
    setBusy(true);
    setError(null);
    setNotice(null);
    const label = FLEET_STATUS_LABELS[target].toLowerCase();
    // Ticks by id go through the run page's offline queue: without a connection they wait there.
    // "All matching this filter" needs the server's view of the filter, so it needs a connection.
    const ids = body.selection.kind === "ids" ? body.selection.items : null;
    const result: { ok: true; queued: boolean; data?: FleetUpdateResult } | { ok: false; error: ApiError } =
      ids && submit
        ? await submit({ status: target, reason: body.reason ?? "", items: ids, hostnames: ids.map((item) => hostnameById.get(item.id) ?? item.id) }).then((outcome) =>
            outcome.ok ? { ok: true as const, queued: outcome.queued, data: outcome.data as FleetUpdateResult | undefined } : { ok: false as const, error: outcome.error! },
          )
        : await apiRequest<FleetUpdateResult>("POST", `/api/runs/${runId}/fleet/${stepId}`, body).then((r) => (r.ok ? { ok: true as const, queued: false, data: r.data } : r));
    setBusy(false);
    if (!options.row) setSelection(NONE);
    if (result.ok && result.queued && options.row) {
      // The row's tick is queued: it leaves any bulk selection, which would now carry a stale version.
      const queuedRow = options.row.id;
      setSelection((current) => {
        if (current.kind !== "ids" || !current.items.has(queuedRow)) return current;
        const items = new Map(current.items);
        items.delete(queuedRow);
        return items.size === 0 ? NONE : { kind: "ids", items };
      });
    }
    if (result.ok && result.queued) {
      const what = options.row ? options.row.hostname : `${formatCount(ids!.length)} client${ids!.length === 1 ? "" : "s"}`;
      setNoticeQueued(true);
      const change = target === "PENDING" ? "back to pending" : `marked ${label}`;
      setNotice(navigator.onLine ? `Queued behind earlier ticks: ${what} ${change} will be sent in order.` : `No connection: ${what} ${change} is queued and will be sent when the connection is back.`);
      return null;
    }
    setReload((n) => n + 1);
    if (!result.ok) {
      const message = result.error.fieldErrors.reason?.join(" ") ?? result.error.message;
      setError(message);
      return message;
    }
    if (!result.data) return null;
    const applied = result.data;
    setData((current) => (current ? { ...current, counts: applied.counts } : current));
    const what = options.row ? options.row.hostname : `${formatCount(applied.updated)} client${applied.updated === 1 ? "" : "s"}`;
    setNoticeQueued(false);
    setNotice(
      target === "PENDING"
        ? `${what} back to pending.`
        : `Marked ${what} ${label}.${applied.unchanged > 0 ? ` ${formatCount(applied.unchanged)} already were.` : ""}`,
    );
    return null;
  }

  if (!data) {
    return (
      <div role="group" aria-label="Fleet clients" className={`${PANEL_BOX} text-sm text-slate-600 dark:text-slate-400`}>
        {loadError ? <FormError message={`The client list could not be loaded: ${loadError}`} /> : "Loading clients…"}
      </div>
    );
  }

  return (
    <div role="group" aria-label="Fleet clients" className={PANEL_BOX}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h4 className="text-sm font-semibold">
          Fleet: {formatCount(counts.total)} client{counts.total === 1 ? "" : "s"}
          {queued.length > 0 ? (
            <span className="ml-2 align-middle">
              <Pill tone="amber">{`${queued.length} tick${queued.length === 1 ? "" : "s"} queued`}</Pill>
            </span>
          ) : null}
        </h4>
        <span className="text-xs text-slate-600 dark:text-slate-400">
          {formatCount(done)} of {formatCount(counts.total)} done ({percentDone}%)
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Fleet progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percentDone}
        aria-valuetext={`${formatCount(done)} of ${formatCount(counts.total)} clients updated or verified, ${formatCount(counts.FAILED)} failed`}
        className="mt-2 flex h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        {(["VERIFIED", "UPDATED", "FAILED"] as const).map((s) =>
          counts[s] > 0 ? <div key={s} className={`h-full ${FLEET_BAR_COLORS[s]} transition-[width] duration-500`} style={{ width: `${(counts[s] / Math.max(1, counts.total)) * 100}%` }} /> : null,
        )}
      </div>
      <div className="mt-2 flex flex-wrap gap-1.5" role="group" aria-label="Clients per status">
        {(["ALL", ...FLEET_STATUSES] as const).map((s) => {
          const n = s === "ALL" ? counts.total : counts[s];
          const label = s === "ALL" ? "All" : FLEET_STATUS_LABELS[s];
          return (
            <button
              key={s}
              type="button"
              aria-pressed={open && status === s}
              aria-label={`${label}: ${formatCount(n)} client${n === 1 ? "" : "s"}`}
              onClick={() => changeStatusFilter(s)}
              className={`min-h-8 rounded-full px-2.5 text-xs font-medium ring-1 ring-inset ${open && status === s ? "bg-slate-900 text-white ring-slate-900 dark:bg-white dark:text-slate-900" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-300 dark:ring-slate-700"}`}
            >
              {label} <span className="font-mono tabular-nums">{formatCount(n)}</span>
            </button>
          );
        })}
        <button type="button" aria-expanded={open} onClick={() => setOpen((v) => !v)} className="ml-auto text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          {open ? "Hide clients" : "Show clients"}
        </button>
      </div>
      {data.bpconf ? <BpconfBlock plan={data.bpconf} /> : null}

      {notice ? (
        <p
          role="status"
          className={`mt-2 rounded px-2 py-1 text-sm ${noticeQueued ? "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100" : "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"}`}
        >
          {notice}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 rounded bg-rose-50 px-2 py-1 text-sm font-medium text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {error}
        </p>
      ) : null}
      {loadError ? <FormError message={`Could not refresh the client list: ${loadError}`} /> : null}

      {open ? (
        <div className="mt-3 space-y-2">
          {counts.total === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {data.agentless && data.agentless.count > 0
                ? "No clients with an agent in this step."
                : "No clients in this run. An admin imports them on the project page; clients imported while a run is active join it."}
            </p>
          ) : (
            <>
              <div className="flex flex-wrap items-end gap-2">
                <Field label="Status" className="w-36">
                  {(props) => (
                    <Select {...props} value={status} onChange={(e) => changeStatusFilter(e.target.value as StatusFilter)}>
                      <option value="ALL">All</option>
                      {FLEET_STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {FLEET_STATUS_LABELS[s]}
                        </option>
                      ))}
                    </Select>
                  )}
                </Field>
                <Field label="Search host names" className="min-w-48 flex-1">
                  {(props) => <TextInput {...props} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. web-fe" autoComplete="off" />}
                </Field>
                <ButtonLink href={`/api/runs/${runId}/fleet/${stepId}/hostnames?${new URLSearchParams({ status, q })}`} download="clients.txt" variant="secondary" className="min-h-9">
                  Download host names
                </ButtonLink>
              </div>
              <p className="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
                {formatCount(data.matching)} match{data.matching === 1 ? "es" : ""}
                {status !== "ALL" || q ? " this filter" : ""}
                {selectedCount > 0 ? ` · ${formatCount(selectedCount)} selected` : ""}
              </p>

              {canAct ? (
                <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Bulk actions">
                  {selection.kind !== "filter" && data.matching > 0 ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => setSelection({ kind: "filter", status, q, matching: data.matching, excluded: new Set() })}
                      disabled={busy}
                    >
                      Select all {formatCount(data.matching)} matching
                    </Button>
                  ) : null}
                  {selectedCount > 0 ? (
                    <>
                      <Button size="sm" variant="ghost" onClick={() => setSelection(NONE)} disabled={busy}>
                        Clear selection
                      </Button>
                      <span className="mx-1 h-5 w-px bg-slate-300 dark:bg-slate-700" aria-hidden="true" />
                      <Button size="sm" variant="primary" onClick={() => void apply("UPDATED")} disabled={busy}>
                        Mark updated
                      </Button>
                      <Button size="sm" variant="success" onClick={() => void apply("VERIFIED")} disabled={busy}>
                        Mark verified
                      </Button>
                      <Button size="sm" variant="danger" onClick={() => setFailDialog({ row: null })} disabled={busy}>
                        Mark failed…
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => void apply("PENDING")} disabled={busy}>
                        Back to pending
                      </Button>
                    </>
                  ) : (
                    <span className="text-xs text-slate-500">Tick clients to update them together.</span>
                  )}
                </div>
              ) : null}

              <Table>
                <TableHead>
                  {canAct ? (
                    <th scope="col" className="w-8 py-1 pr-2">
                      <input type="checkbox" aria-label="Select all on this page" checked={pageAllSelected} onChange={togglePage} disabled={busy || rows.length === 0} className="size-4" />
                    </th>
                  ) : null}
                  <th scope="col" className="py-1 pr-2">
                    Client
                  </th>
                  <th scope="col" className="hidden py-1 pr-2 sm:table-cell">
                    OS
                  </th>
                  <th scope="col" className="py-1 pr-2">
                    Status
                  </th>
                  <th scope="col" className="hidden py-1 pr-2 md:table-cell">
                    By
                  </th>
                  <th scope="col" className="py-1 text-right">
                    <span className="sr-only">Actions</span>
                  </th>
                </TableHead>
                <TableBody className="divide-slate-200 dark:divide-slate-800">
                  {rows.map((row) => (
                    <tr key={row.id} data-hostname={row.hostname} data-status={row.status}>
                      {canAct ? (
                        <td className="py-1.5 pr-2">
                          <input type="checkbox" aria-label={`Select ${row.hostname}`} checked={isSelected(row)} onChange={() => toggleRow(row)} disabled={busy || queuedIds.has(row.id)} className="size-4" />
                        </td>
                      ) : null}
                      <td className="py-1.5 pr-2 font-mono text-[13px]">
                        <HostName name={row.hostname} />
                        {row.networkHostname ? <div className="font-sans text-xs text-slate-500">host {row.networkHostname}</div> : null}
                        {row.policy ? <div className="font-sans text-xs text-slate-500">{row.policy}</div> : null}
                        {/* On a phone the OS column gives way to the actions; its family stays here. */}
                        <div className="font-sans text-xs text-slate-500 sm:hidden">{osFamilyLabel(row.osFamily)}</div>
                      </td>
                      <td className="hidden py-1.5 pr-2 text-xs sm:table-cell">
                        <OsFamilyPill family={row.osFamily} /> <span className="text-slate-500">{row.os || row.hardware}</span>
                        {commandFor && row.osFamily === "UNKNOWN" ? <div className="mt-0.5 text-amber-800 dark:text-amber-200">OS unknown: check it before running the commands</div> : null}
                      </td>
                      <td className="py-1.5 pr-2">
                        <FleetStatusBadge status={row.status} />
                        {queuedIds.has(row.id) ? (
                          <div className="mt-0.5">
                            <Pill tone="amber">tick queued (offline)</Pill>
                          </div>
                        ) : null}
                        {row.reason ? <div className="mt-0.5 max-w-56 text-xs break-words text-rose-700 dark:text-rose-300">{row.reason}</div> : null}
                      </td>
                      <td className="hidden py-1.5 pr-2 text-xs text-slate-600 md:table-cell dark:text-slate-400">
                        {row.updatedBy ? (
                          <>
                            {row.updatedBy} · <ZonedTime value={row.updatedAt} timeZone={data.run.timezone} style="time" />
                          </>
                        ) : (
                          "—"
                        )}
                      </td>
                      <td className="py-1.5 text-right whitespace-nowrap">
                        <span className="inline-flex flex-wrap justify-end gap-1">
                          {commandFor ? <RowCommand command={commandFor(row)} /> : null}
                          {canAct && !queuedIds.has(row.id) ? <RowActions row={row} busy={busy} onApply={(target) => void apply(target, { row })} onFail={() => setFailDialog({ row })} /> : null}
                        </span>
                      </td>
                    </tr>
                  ))}
                </TableBody>
              </Table>
              <Pager page={data.page} pageCount={data.pageCount} onPage={setPage} label="Client pages" />
            </>
          )}
          {data.agentless && data.agentless.count > 0 ? <AgentlessClients agentless={data.agentless} /> : null}
        </div>
      ) : null}

      {failDialog ? (
        <ReasonDialog
          title={failDialog.row ? `Mark ${failDialog.row.hostname} failed` : `Mark ${formatCount(selectedCount)} clients failed`}
          label="What failed? (recorded with each client and in the audit log)"
          confirmLabel="Mark failed"
          requiredMessage="Say why the client failed."
          placeholder="e.g. bptestbpcd: connection refused on 1556"
          onClose={() => setFailDialog(null)}
          onConfirm={async (reason) => {
            const message = await apply("FAILED", { row: failDialog.row ?? undefined, reason });
            if (!message) setFailDialog(null);
            return message;
          }}
        />
      ) : null}
    </div>
  );
}

function RowActions({ row, busy, onApply, onFail }: { row: FleetStepRow; busy: boolean; onApply: (target: FleetStatusName) => void; onFail: () => void }) {
  const small = "min-h-7 rounded px-2 py-1 text-xs font-semibold ring-1 ring-inset disabled:opacity-50";
  return (
    <>
      {row.status === "PENDING" || row.status === "FAILED" ? (
        <button type="button" className={`${small} ring-sky-300 text-sky-800 hover:bg-sky-50 dark:text-sky-200 dark:hover:bg-sky-950`} onClick={() => onApply("UPDATED")} disabled={busy} aria-label={`Mark ${row.hostname} updated`}>
          Updated
        </button>
      ) : null}
      {row.status !== "VERIFIED" ? (
        <button type="button" className={`${small} ring-emerald-300 text-emerald-800 hover:bg-emerald-50 dark:text-emerald-200 dark:hover:bg-emerald-950`} onClick={() => onApply("VERIFIED")} disabled={busy} aria-label={`Mark ${row.hostname} verified`}>
          Verified
        </button>
      ) : null}
      {row.status !== "FAILED" ? (
        <button type="button" className={`${small} ring-rose-300 text-rose-800 hover:bg-rose-50 dark:text-rose-200 dark:hover:bg-rose-950`} onClick={onFail} disabled={busy} aria-label={`Mark ${row.hostname} failed`}>
          Failed…
        </button>
      ) : null}
      {row.status !== "PENDING" ? (
        <button type="button" className={`${small} ring-slate-300 text-slate-700 hover:bg-slate-50 dark:text-slate-300 dark:hover:bg-slate-800`} onClick={() => onApply("PENDING")} disabled={busy} aria-label={`Set ${row.hostname} back to pending`}>
          Reset
        </button>
      ) : null}
    </>
  );
}

/** A row's command button, or why it has none ("n/a: agentless"). */
function RowCommand({ command }: { command: { text: string } | { none: string } }) {
  if ("text" in command) return <CopyButton text={command.text} label="Copy cmd" className="min-h-7 px-2 py-1" />;
  return <span className="self-center text-xs text-slate-500">{command.none}</span>;
}

/**
 * The project's agentless clients (VMs and filers of VMware, Hyper-V or NDMP policies): a bp.conf
 * or connectivity step doesn't apply to them, so they are listed apart, not counted and not ticked.
 */
function AgentlessClients({ agentless }: { agentless: NonNullable<FleetStepView["agentless"]> }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200 dark:bg-slate-950/40 dark:ring-slate-800">
      <h4 id={headingId} className="font-semibold">
        {formatCount(agentless.count)} agentless client{agentless.count === 1 ? "" : "s"}: {AGENTLESS_NOT_APPLICABLE}
      </h4>
      <p className="text-slate-600 dark:text-slate-400">Backed up through the hypervisor or filer, without a NetBackup agent: no bp.conf to change or client to reach, so this step leaves them out of its count.</p>
      <Table dense>
        <tbody>
          {agentless.clients.map((c) => (
            <tr key={c.id} data-hostname={c.hostname}>
              <td className="py-0.5 pr-2 font-mono text-[13px]">
                <HostName name={c.hostname} />
                {c.networkHostname ? <span className="ml-2 font-sans text-xs text-slate-500">host {c.networkHostname}</span> : null}
              </td>
              <td className="py-0.5 pr-2 text-xs text-slate-500">{[c.hardware, c.os].filter(Boolean).join(" · ")}</td>
              <td className="py-0.5 text-right text-xs">{AGENTLESS_NOT_APPLICABLE}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {agentless.count > agentless.clients.length ? <p className="mt-1 text-xs text-slate-500">…and {formatCount(agentless.count - agentless.clients.length)} more.</p> : null}
    </section>
  );
}
