"use client";
import { useEffect, useId, useState } from "react";
import { apiRequest, getJson, isAborted } from "@/lib/platform/http/api-client";
import { formatCount } from "@/lib/platform/format";
import type { FleetClientsPage, FleetImportResult } from "@/lib/fleet/service";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, TextInput } from "../ui/field";
import { Table, TableBody, TableHead } from "../ui/table";
import { OsFamilyPill } from "./fleet-status";
import { ImportClientsDialog } from "./import-clients-dialog";
import { useSettledSearch } from "./use-settled-search";
import { HostName } from "../ui/host-name";
import { Pager } from "../ui/pager";
import { useApiForm } from "../ui/use-api-form";

const PAGE_SIZE = 50;

export interface ProjectFleetSectionProps {
  projectId: string;
  /** canEditPlan(user): admins import clients. */
  canEdit: boolean;
  /** Any value that changes when the page hears of a change; the section re-fetches. */
  refreshKey?: string | number | null;
}

/** The project's backup clients: count, a searchable paginated table, and the import dialog. */
export function ProjectFleetSection({ projectId, canEdit, refreshKey = null }: ProjectFleetSectionProps) {
  const [page, setPage] = useState(1);
  const { search, setSearch, q } = useSettledSearch(() => setPage(1));
  const [reload, setReload] = useState(0);
  const [data, setData] = useState<FleetClientsPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importOpen, setImportOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<{ id: string; hostname: string } | null>(null);
  const [editing, setEditing] = useState<FleetClientsPage["clients"][number] | null>(null);
  const headingId = useId();

  useEffect(() => {
    const controller = new AbortController();
    const params = new URLSearchParams({ q, page: String(page), pageSize: String(PAGE_SIZE) });
    getJson<FleetClientsPage>(`/api/projects/${projectId}/fleet?${params}`, { signal: controller.signal }).then((result) => {
      if (result.ok) {
        setData(result.data);
        setError(null);
      } else if (!isAborted(result.error)) setError(result.error.message);
    });
    return () => controller.abort();
  }, [projectId, q, page, refreshKey, reload]);

  function imported(result: FleetImportResult) {
    setImportOpen(false);
    const parts = [`Imported ${formatCount(result.imported)} new client${result.imported === 1 ? "" : "s"}`];
    if (result.updated > 0) parts.push(`filled in ${formatCount(result.updated)}`);
    if (result.skipped > 0) parts.push(`skipped ${formatCount(result.skipped)} line${result.skipped === 1 ? "" : "s"}`);
    if (result.runRowsCreated > 0) parts.push(`added to the active runs' fleet steps`);
    setNotice(`${parts.join(", ")}.`);
    setReload((n) => n + 1);
  }

  function edited(hostname: string) {
    setEditing(null);
    setNotice(`Saved ${hostname}.`);
    setReload((n) => n + 1);
  }

  function removed(hostname: string) {
    setRemoving(null);
    setNotice(`Removed ${hostname} from the project and from the fleet steps of its runs.`);
    setReload((n) => n + 1);
  }

  const total = data?.total ?? 0;
  return (
    <Card className="p-5" aria-labelledby={headingId}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-lg font-bold">
            Backup clients
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {data ? `${formatCount(total)} client${total === 1 ? "" : "s"}` : "Loading…"} · fleet steps track each of them in every run
          </p>
        </div>
        {canEdit ? <Button onClick={() => setImportOpen(true)}>Import clients</Button> : null}
      </div>
      {notice ? (
        <p role="status" className="mt-3 rounded bg-emerald-50 px-2 py-1 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          {notice}
        </p>
      ) : null}
      <div className="mt-3">
        <FormError message={error ? `The client list could not be loaded: ${error}` : null} />
      </div>

      {data && total === 0 ? (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
          No clients yet.{" "}
          {canEdit ? (
            <>
              Import them from <code className="font-mono">bpplclients -allunique -noheader</code> or a spreadsheet (hostname, os, policy, owner).
            </>
          ) : (
            "An admin imports them."
          )}
        </p>
      ) : null}

      {data && total > 0 ? (
        <div className="mt-3 space-y-2">
          <Field label="Search names and host names" className="max-w-sm">
            {(props) => <TextInput {...props} type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />}
          </Field>
          {q ? <p className="text-sm text-slate-600 dark:text-slate-400">{formatCount(data.matching)} match</p> : null}
          <Table>
            <TableHead>
              <th scope="col" className="py-1 pr-3">
                Client
              </th>
              <th scope="col" className="hidden py-1 pr-3 sm:table-cell">
                Host name
              </th>
              <th scope="col" className="py-1 pr-3">
                OS
              </th>
              <th scope="col" className="hidden py-1 pr-3 sm:table-cell">
                Hardware
              </th>
              <th scope="col" className="hidden py-1 pr-3 sm:table-cell">
                Policy
              </th>
              <th scope="col" className="hidden py-1 pr-3 md:table-cell">
                Owner
              </th>
              {canEdit ? (
                <th scope="col" className="py-1">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </TableHead>
            <TableBody className="divide-slate-200 dark:divide-slate-800">
              {data.clients.map((c) => (
                <tr key={c.id}>
                  <td className="py-1.5 pr-3 font-mono text-[13px]">
                    <HostName name={c.hostname} />
                  </td>
                  <td className="hidden py-1.5 pr-3 font-mono text-[13px] sm:table-cell">{c.networkHostname || <span className="font-sans text-slate-400">—</span>}</td>
                  <td className="py-1.5 pr-3">
                    <OsFamilyPill family={c.osFamily} /> <span className="text-xs text-slate-500">{c.os}</span>
                  </td>
                  <td className="hidden py-1.5 pr-3 text-xs sm:table-cell">{c.hardware || "—"}</td>
                  <td className="hidden py-1.5 pr-3 text-xs sm:table-cell">{c.policy || "—"}</td>
                  <td className="hidden py-1.5 pr-3 text-xs md:table-cell">{c.owner || "—"}</td>
                  {canEdit ? (
                    <td className="whitespace-nowrap py-1 text-right">
                      <Button size="sm" variant="ghost" aria-label={`Edit ${c.hostname}`} onClick={() => setEditing(c)}>
                        Edit
                      </Button>
                      <Button size="sm" variant="ghost" aria-label={`Remove ${c.hostname}`} onClick={() => setRemoving({ id: c.id, hostname: c.hostname })}>
                        Remove
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </TableBody>
          </Table>
          <Pager page={data.page} pageCount={data.pageCount} onPage={setPage} label="Client pages" />
        </div>
      ) : null}

      {canEdit ? <ImportClientsDialog projectId={projectId} open={importOpen} onClose={() => setImportOpen(false)} onImported={imported} /> : null}
      {canEdit && editing ? <EditClientDialog client={editing} onClose={() => setEditing(null)} onSaved={edited} /> : null}
      {canEdit && removing ? <RemoveClientDialog projectId={projectId} client={removing} onClose={() => setRemoving(null)} onRemoved={removed} /> : null}
    </Card>
  );
}

/** Confirms removing one client; a refusal (already ticked in a run) keeps the dialog open with the reason. */
function RemoveClientDialog({ projectId, client, onClose, onRemoved }: { projectId: string; client: { id: string; hostname: string }; onClose: () => void; onRemoved: (hostname: string) => void }) {
  const { message, pending, submit } = useApiForm();
  async function remove() {
    const result = await submit(() => apiRequest("POST", `/api/projects/${projectId}/fleet/remove`, { clientIds: [client.id] }));
    if (result.ok) onRemoved(client.hostname);
  }
  return (
    <Dialog open onClose={onClose} title={`Remove ${client.hostname}?`}>
      <div className="space-y-4">
        <FormError message={message} />
        <p className="text-sm">
          <span className="font-mono">{client.hostname}</span> leaves the project and the fleet steps of its runs. A client that was already ticked in a run can&apos;t be removed, so the record stays complete.
        </p>
        <DialogActions onCancel={onClose} confirmLabel="Remove client" pending={pending} pendingLabel="Removing…" variant="danger" onConfirm={remove} />
      </div>
    </Dialog>
  );
}

const CLIENT_FIELDS = [
  { key: "hostname", label: "Name", mono: true, hint: "As NetBackup lists it: the client name, or a VM's display name." },
  { key: "networkHostname", label: "Host name", mono: true, hint: "Only when the name is not the host name (a VM listed by display name)." },
  { key: "os", label: "OS", hint: "Decides the commands offered: Windows or UNIX; VMware, Hyper-V, NDMP (OS or hardware) mean agentless, without commands." },
  { key: "hardware", label: "Hardware" },
  { key: "policy", label: "Policy" },
  { key: "owner", label: "Owner" },
] as const;
type ClientFieldKey = (typeof CLIENT_FIELDS)[number]["key"];

/** Corrects one client; field errors (a duplicate or invalid host name) show next to the field. */
function EditClientDialog({ client, onClose, onSaved }: { client: FleetClientsPage["clients"][number]; onClose: () => void; onSaved: (hostname: string) => void }) {
  const [form, setForm] = useState<Record<ClientFieldKey, string>>({ hostname: client.hostname, networkHostname: client.networkHostname, os: client.os, hardware: client.hardware, policy: client.policy, owner: client.owner });
  const { errors, message, pending, submit } = useApiForm();
  async function save(event: React.FormEvent) {
    event.preventDefault();
    const result = await submit(() => apiRequest<{ hostname: string }>("PATCH", `/api/fleet-clients/${client.id}`, form));
    if (result.ok) onSaved(result.data.hostname);
  }
  return (
    <Dialog open onClose={onClose} title={`Edit ${client.hostname}`}>
      <form onSubmit={save} className="space-y-3" noValidate>
        <FormError message={message} />
        {CLIENT_FIELDS.map((field) => (
          <Field key={field.key} label={field.label} error={errors[field.key]} hint={"hint" in field ? field.hint : undefined}>
            {(props) => (
              <TextInput
                {...props}
                value={form[field.key]}
                onChange={(e) => setForm((f) => ({ ...f, [field.key]: e.target.value }))}
                className={"mono" in field ? "font-mono" : undefined}
                autoComplete="off"
              />
            )}
          </Field>
        ))}
        <DialogActions onCancel={onClose} confirmLabel="Save client" pending={pending} />
      </form>
    </Dialog>
  );
}
