"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { apiRequest, getJson } from "@/lib/platform/http/api-client";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES, WEBHOOK_PRESET_LABELS, WEBHOOK_PRESETS, type WebhookDeliverySummary, type WebhookEndpointSummary, type WebhookPreset } from "@/lib/webhooks/model";
import { Button } from "../ui/button";
import { Card, EmptyState } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, FormSuccess, Select, TextInput } from "../ui/field";
import { Pager } from "../ui/pager";
import { Pill } from "../ui/status-badge";
import { Table, TableBody, TableHead } from "../ui/table";
import { useApiForm } from "../ui/use-api-form";
import { ZonedTime } from "../ui/zoned-time";

type Form = { name: string; url: string; preset: WebhookPreset; events: string[]; allowPrivateNetwork: boolean };
const EMPTY: Form = { name: "", url: "", preset: "STANDARD", events: [ALL_EVENTS], allowPrivateNetwork: false };

/**
 * A project's outbound webhooks: register one (its signing secret is shown once), see each
 * endpoint's state and last answer, its delivery log with Redeliver, send a test event, disable,
 * enable, delete. Admins only (the page checks).
 */
export function WebhookManager({ projectId, timeZone, endpoints }: { projectId: string; timeZone: string; endpoints: WebhookEndpointSummary[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-slate-600 dark:text-slate-400">
          Runsheet POSTs this project&apos;s events (steps started and done, gates, run start and end, stakeholder updates) to the URLs below, signed per the Standard Webhooks
          specification, and retries failed deliveries for about a day. Slack and Teams presets post a readable line instead.
        </p>
        <Button onClick={() => { setOpen(true); setCreated(null); setNotice(null); }}>New webhook</Button>
      </div>
      {created ? (
        <div role="status" aria-label="New webhook secret" className="rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200 dark:bg-emerald-950 dark:ring-emerald-800">
          <p className="font-medium">Webhook “{created.name}” created. Copy its signing secret now: it is shown only this once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="webhook-secret" className="break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy secret" />
          </div>
        </div>
      ) : null}
      <FormSuccess message={notice} />
      {endpoints.length === 0 ? (
        <EmptyState title="No webhooks yet">Add one to send this project&apos;s events to a chat channel or another system as they happen.</EmptyState>
      ) : (
        <ul aria-label="Webhooks" className="space-y-4">
          {endpoints.map((endpoint) => (
            <li key={endpoint.id} aria-label={endpoint.name}>
              <EndpointCard endpoint={endpoint} projectId={projectId} timeZone={timeZone} onChanged={(message, secret) => { setNotice(message); if (secret) setCreated({ name: endpoint.name, secret }); router.refresh(); }} />
            </li>
          ))}
        </ul>
      )}
      <EndpointDialog
        open={open}
        projectId={projectId}
        onClose={() => setOpen(false)}
        onSaved={(name, secret) => {
          setOpen(false);
          if (secret) setCreated({ name, secret });
          router.refresh();
        }}
      />
    </div>
  );
}

/** The create form, or with `endpoint` the edit form of that endpoint (its secret stays). */
function EndpointDialog({
  open,
  projectId,
  endpoint,
  onClose,
  onSaved,
}: {
  open: boolean;
  projectId: string;
  endpoint?: WebhookEndpointSummary;
  onClose: () => void;
  onSaved: (name: string, secret?: string) => void;
}) {
  const initial: Form = endpoint ? { name: endpoint.name, url: endpoint.url, preset: endpoint.preset, events: endpoint.events, allowPrivateNetwork: endpoint.allowPrivateNetwork } : EMPTY;
  const [form, setForm] = useState<Form>(initial);
  const { errors, message, pending, submit } = useApiForm();
  const all = form.events.includes(ALL_EVENTS);
  const title = endpoint ? `Edit “${endpoint.name}”` : "New webhook";

  async function save(event: FormEvent) {
    event.preventDefault();
    const result = endpoint
      ? await submit(() => apiRequest<{ endpoint: WebhookEndpointSummary }>("PATCH", `/api/webhooks/${endpoint.id}`, form))
      : await submit(() => apiRequest<{ endpoint: WebhookEndpointSummary; secret: string }>("POST", `/api/projects/${projectId}/webhooks`, form));
    if (!result.ok) return;
    if (!endpoint) setForm(EMPTY);
    onSaved(result.data.endpoint.name, "secret" in result.data ? (result.data.secret as string) : undefined);
  }

  const toggle = (type: string, on: boolean) => {
    const without = form.events.filter((e) => e !== type && e !== ALL_EVENTS);
    setForm({ ...form, events: on ? [...without, type] : without });
  };

  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <form onSubmit={save} noValidate aria-label={title} className="space-y-3">
        <FormError message={message} />
        <Field label="Name" error={errors.name} hint="Where it goes: “#nbu-cutover on Slack”.">
          {(a) => <TextInput {...a} value={form.name} maxLength={80} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field label="URL" error={errors.url} hint="https:// (or http://). For Slack or Teams, the channel's incoming-webhook URL.">
          {(a) => <TextInput {...a} type="url" inputMode="url" value={form.url} maxLength={2000} onChange={(e) => setForm({ ...form, url: e.target.value })} />}
        </Field>
        <Field label="Format" error={errors.preset}>
          {(a) => (
            <Select {...a} value={form.preset} onChange={(e) => setForm({ ...form, preset: e.target.value as WebhookPreset })}>
              {WEBHOOK_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {WEBHOOK_PRESET_LABELS[p]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700 dark:text-slate-300">Events</legend>
          <label className="mt-1 flex items-center gap-2 font-medium">
            <input type="checkbox" checked={all} onChange={(e) => setForm({ ...form, events: e.target.checked ? [ALL_EVENTS] : [] })} />
            All events (including ones added later)
          </label>
          <div className="mt-1 grid max-h-48 grid-cols-1 gap-1 overflow-y-auto sm:grid-cols-2">
            {WEBHOOK_EVENT_TYPES.map((type) => (
              <label key={type} className="flex items-center gap-2">
                <input type="checkbox" checked={all || form.events.includes(type)} disabled={all} onChange={(e) => toggle(type, e.target.checked)} />
                <code className="text-xs">{type}</code>
              </label>
            ))}
          </div>
          {errors.events?.length ? (
            <p role="alert" className="mt-1 text-rose-600 dark:text-rose-400">
              {errors.events.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <div className="rounded-md bg-amber-50 p-3 text-sm ring-1 ring-amber-200 dark:bg-amber-950/40 dark:ring-amber-900">
          <label className="flex items-start gap-2 font-medium">
            <input type="checkbox" className="mt-1" checked={form.allowPrivateNetwork} onChange={(e) => setForm({ ...form, allowPrivateNetwork: e.target.checked })} />
            Allow a private-network address (LAN, loopback, link-local)
          </label>
          <p className="mt-1 text-amber-900 dark:text-amber-200">
            The server sends these requests from inside your network, so it can reach hosts your browser can&apos;t (this server itself, a cloud metadata service, internal admin
            pages). Only admins may allow it, and only for a receiver you run on purpose.
          </p>
          {errors.allowPrivateNetwork?.length ? <p className="mt-1 text-rose-600">{errors.allowPrivateNetwork.join(" ")}</p> : null}
        </div>
        <DialogActions onCancel={onClose} confirmLabel={endpoint ? "Save changes" : "Create webhook"} pending={pending} pendingLabel={endpoint ? "Saving…" : "Creating…"} />
      </form>
    </Dialog>
  );
}

function statusTone(status: string) {
  return status === "DELIVERED" ? "emerald" : status === "FAILED" ? "rose" : "amber";
}

function EndpointCard({ endpoint, projectId, timeZone, onChanged }: { endpoint: WebhookEndpointSummary; projectId: string; timeZone: string; onChanged: (message: string, secret?: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showLog, setShowLog] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [logVersion, setLogVersion] = useState(0);

  async function act(label: string, method: "POST" | "PATCH" | "DELETE", url: string, body: unknown, done: string) {
    setBusy(label);
    setError(null);
    const result = await apiRequest<{ secret?: string }>(method, url, body);
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    setLogVersion((v) => v + 1);
    onChanged(done, result.data?.secret);
  }

  return (
    <Card className="p-4 sm:p-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold">
            {endpoint.name} {endpoint.enabled ? <Pill tone="emerald">enabled</Pill> : <Pill tone="rose">disabled</Pill>} <Pill tone="slate">{endpoint.preset.toLowerCase()}</Pill>{" "}
            {endpoint.allowPrivateNetwork ? <Pill tone="amber">private network allowed</Pill> : null}
          </h2>
          <p className="break-all font-mono text-xs text-slate-600 dark:text-slate-400">{endpoint.url}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {endpoint.events.includes(ALL_EVENTS) ? "All events" : endpoint.events.join(", ")} ·{" "}
            {endpoint.lastDelivery ? (
              <span>
                last delivery {endpoint.lastDelivery.lastStatus !== null ? `answered ${endpoint.lastDelivery.lastStatus}` : "got no answer"} (
                {endpoint.lastDelivery.status.toLowerCase()}), <ZonedTime value={endpoint.lastDelivery.at} timeZone={timeZone} />
              </span>
            ) : (
              "nothing sent yet"
            )}
            {endpoint.pending > 0 ? ` · ${endpoint.pending} waiting` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button size="sm" variant="secondary" disabled={busy !== null} onClick={() => act("test", "POST", `/api/webhooks/${endpoint.id}/test`, {}, `Test event queued for “${endpoint.name}”; it shows in the delivery log.`).then(() => setShowLog(true))}>
            {busy === "test" ? "Sending…" : "Send test event"}
          </Button>
          <Button size="sm" variant="secondary" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
            {showLog ? "Hide delivery log" : "Delivery log"}
          </Button>
          <Button size="sm" variant="secondary" disabled={busy !== null} onClick={() => setEditing(true)}>
            Edit
          </Button>
          {endpoint.enabled ? (
            <Button size="sm" variant="secondary" disabled={busy !== null} onClick={() => act("toggle", "PATCH", `/api/webhooks/${endpoint.id}`, { enabled: false }, `Disabled “${endpoint.name}”. Events are kept and sent when it is enabled again.`)}>
              Disable
            </Button>
          ) : null}
          <Button
            size="sm"
            variant="secondary"
            disabled={busy !== null}
            onClick={() => act("rotate", "PATCH", `/api/webhooks/${endpoint.id}`, { rotateSecret: true }, `New signing secret for “${endpoint.name}”: update the receiver.`)}
          >
            Rotate secret
          </Button>
          <Button size="sm" variant="danger" disabled={busy !== null} onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        </div>
      </div>
      {!endpoint.enabled ? (
        <div role="alert" className="mt-3 rounded-md bg-rose-50 p-3 text-sm text-rose-900 ring-1 ring-rose-200 dark:bg-rose-950/50 dark:text-rose-100 dark:ring-rose-900">
          <p>
            {endpoint.disabledReason || "Disabled by an admin. Events are kept and sent when it is enabled again."}
            {endpoint.disabledAt ? (
              <>
                {" "}
                (since <ZonedTime value={endpoint.disabledAt} timeZone={timeZone} style="datetime" />)
              </>
            ) : null}
          </p>
          <Button size="sm" className="mt-2" disabled={busy !== null} onClick={() => act("enable", "POST", `/api/webhooks/${endpoint.id}/enable`, {}, `Enabled “${endpoint.name}”; waiting events are on their way.`)}>
            {busy === "enable" ? "Enabling…" : "Enable"}
          </Button>
        </div>
      ) : null}
      <div className="mt-2">
        <FormError message={error} />
      </div>
      {showLog ? <DeliveryLog endpointId={endpoint.id} timeZone={timeZone} version={logVersion} /> : null}
      {editing ? (
        <EndpointDialog
          open
          projectId={projectId}
          endpoint={endpoint}
          onClose={() => setEditing(false)}
          onSaved={(name) => {
            setEditing(false);
            onChanged(`Saved “${name}”.`);
          }}
        />
      ) : null}
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete “${endpoint.name}”?`}>
        <p className="mb-4 text-sm">Its delivery log goes with it. Events are no longer sent to {endpoint.url}. The audit log keeps the record.</p>
        <DialogActions
          onCancel={() => setConfirmDelete(false)}
          confirmLabel="Delete webhook"
          variant="danger"
          pending={busy === "delete"}
          pendingLabel="Deleting…"
          onConfirm={() => act("delete", "DELETE", `/api/webhooks/${endpoint.id}`, undefined, `Deleted “${endpoint.name}”.`).then(() => setConfirmDelete(false))}
        />
      </Dialog>
    </Card>
  );
}

type DeliveryPage = { deliveries: WebhookDeliverySummary[]; page: number; pageSize: number; total: number };

function DeliveryLog({ endpointId, timeZone, version }: { endpointId: string; timeZone: string; version: number }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<DeliveryPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      const result = await getJson<DeliveryPage>(`/api/webhooks/${endpointId}/deliveries?page=${page}`, { signal });
      if (signal?.aborted) return;
      setLoading(false);
      if (!result.ok) return setError(result.error.message);
      setError(null);
      setData(result.data);
    },
    [endpointId, page],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load, version, reloads]);

  // Pending deliveries move on by themselves: look again while any is waiting.
  const waiting = data?.deliveries.some((d) => d.status === "PENDING") ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setReloads((n) => n + 1), 2000);
    return () => clearInterval(timer);
  }, [waiting]);

  async function redeliver(id: string) {
    setBusy(id);
    const result = await apiRequest("POST", `/api/webhook-deliveries/${id}/redeliver`, {});
    setBusy(null);
    if (!result.ok) return setError(result.error.message);
    setReloads((n) => n + 1);
  }

  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <div className="mt-3 space-y-2" aria-busy={loading}>
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-sm font-semibold">Delivery log</h3>
        <Button size="sm" variant="ghost" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </Button>
      </div>
      <FormError message={error} />
      {data === null && loading ? <p className="text-sm text-slate-500 dark:text-slate-400">Loading deliveries…</p> : null}
      {data && data.deliveries.length === 0 ? <p className="text-sm text-slate-600 dark:text-slate-400">Nothing sent yet. Events appear here as they happen; “Send test event” tries the endpoint now.</p> : null}
      {data && data.deliveries.length > 0 ? (
        <Table caption="Deliveries" scrollClassName="rounded-md ring-1 ring-slate-200 dark:ring-slate-800">
          <TableHead>
            <th scope="col" className="px-3 py-2">Time</th>
            <th scope="col" className="px-3 py-2">Event</th>
            <th scope="col" className="px-3 py-2">Attempts</th>
            <th scope="col" className="px-3 py-2">Last code</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
          </TableHead>
          <TableBody>
            {data.deliveries.map((d) => (
              <tr key={d.id} aria-label={`${d.eventType} delivery`}>
                <td className="whitespace-nowrap px-3 py-2"><ZonedTime value={d.createdAt} timeZone={timeZone} /></td>
                <td className="px-3 py-2"><code className="text-xs">{d.eventType}</code></td>
                <td className="px-3 py-2">{d.attempts}</td>
                <td className="px-3 py-2" title={d.lastError || undefined}>
                  {d.lastStatus ?? "—"}
                  {d.lastError && d.status !== "DELIVERED" ? <span className="block max-w-xs truncate text-xs text-slate-500 dark:text-slate-400">{d.lastError}</span> : null}
                </td>
                <td className="px-3 py-2">
                  <Pill tone={statusTone(d.status)}>{d.status.toLowerCase()}</Pill>
                  {d.status === "PENDING" && d.nextAttemptAt ? (
                    <span className="block text-xs text-slate-500 dark:text-slate-400">
                      next try <ZonedTime value={d.nextAttemptAt} timeZone={timeZone} />
                    </span>
                  ) : null}
                </td>
                <td className="px-3 py-2 text-right">
                  <Button size="sm" variant="secondary" disabled={busy !== null || d.status === "PENDING"} aria-label={`Redeliver ${d.eventType} ${d.id}`} onClick={() => redeliver(d.id)}>
                    {busy === d.id ? "Queuing…" : "Redeliver"}
                  </Button>
                </td>
              </tr>
            ))}
          </TableBody>
        </Table>
      ) : null}
      <Pager page={page} pageCount={pageCount} onPage={setPage} label="Delivery log pages" />
    </div>
  );
}
