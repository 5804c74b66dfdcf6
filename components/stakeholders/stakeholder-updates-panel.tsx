"use client";
import { useCallback, useEffect, useId, useState } from "react";
import { apiRequest, getJson } from "@/lib/platform/http/api-client";
import { formatMoment } from "@/lib/platform/time";
import { MAX_INTERVAL_MINUTES, MESSAGE_STATUS_LABELS, MIN_INTERVAL_MINUTES, type StakeholderMessageStatus } from "@/lib/stakeholders/model";
import { Button } from "../ui/button";
import { Field, FormError, FormSuccess, TextArea, TextInput } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { useApiForm } from "../ui/use-api-form";

interface Settings {
  recipients: string[];
  sendByEmail: boolean;
  sendByWebhook: boolean;
  intervalMinutes: number;
  subjectTemplate: string;
  bodyTemplate: string;
  enabled: boolean;
}
interface SettingsView {
  saved: boolean;
  settings: Settings;
  nextDueAt: string | null;
  pausedAt: string | null;
  runActive: boolean;
  mailConfigured: boolean;
  placeholders: { name: string; description: string }[];
}
interface Message {
  id: string;
  sentAt: string;
  sentBy: string | null;
  subject: string;
  text: string;
  channels: ("email" | "webhook")[];
  recipients: string[];
  status: StakeholderMessageStatus;
  error: string;
  attempts: number;
  nextAttemptAt: string | null;
}

const STATUS_TONES: Record<StakeholderMessageStatus, "emerald" | "amber" | "rose" | "sky"> = { SENT: "emerald", PENDING: "amber", FAILED: "rose", RECORDED: "sky" };

/** "a@x, b@y" or one per line, as typed or pasted from a mail client, into a list. */
function parseRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((a) => a.replace(/^.*<([^>]+)>.*$/, "$1").trim())
    .filter((a) => a !== "");
}

/**
 * The run page's "Stakeholder updates" panel (admins): who gets the run's status, by which
 * channels and how often, the templates, a preview rendered by the server from the run as it is
 * now that can be edited and sent as it stands, and the log of what went out. Collapsed by
 * default, so operators' steps stay at the top of the board.
 */
export function StakeholderUpdatesPanel({ runId, timeZone, refreshKey }: { runId: string; timeZone: string; refreshKey: number }) {
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<SettingsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [draft, setDraft] = useState<(Omit<Settings, "recipients"> & { recipients: string }) | null>(null);
  const [preview, setPreview] = useState<{ subject: string; text: string; renderedAt: string } | null>(null);
  const [sentNote, setSentNote] = useState<string | null>(null);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const save = useApiForm();
  const previewForm = useApiForm();
  const send = useApiForm();
  const bodyId = useId();

  const loadSettings = useCallback(async () => {
    const result = await getJson<SettingsView>(`/api/runs/${runId}/stakeholder-updates`);
    if (!result.ok) return setLoadError(result.error.message);
    setLoadError(null);
    setView(result.data);
    setDraft({ ...result.data.settings, recipients: result.data.settings.recipients.join("\n") });
  }, [runId]);
  const loadLog = useCallback(async () => {
    const result = await getJson<{ messages: Message[] }>(`/api/runs/${runId}/stakeholder-updates/log`);
    if (result.ok) setMessages(result.data.messages);
  }, [runId]);

  // The summary line needs the settings even while the panel is closed.
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  // A scheduled update (or another admin's) arrives as a live event that re-renders the page.
  useEffect(() => {
    if (open) void loadLog();
  }, [open, loadLog, refreshKey]);

  const now = Date.now();
  const at = (iso: string) => formatMoment(iso, timeZone, { now });
  const summary = !view
    ? loadError
      ? "Couldn't load"
      : "Loading…"
    : !view.runActive
      ? "The run has ended: no more updates"
      : view.settings.enabled && view.nextDueAt
        ? `Every ${view.settings.intervalMinutes} min · next update at ${at(view.nextDueAt)}`
        : "Automatic updates off";

  const body = () => (draft ? { ...draft, recipients: parseRecipients(draft.recipients) } : null);

  async function onSave(event: React.FormEvent) {
    event.preventDefault();
    setSavedNote(null);
    const input = body();
    if (!input) return;
    const result = await save.submit(() => apiRequest<SettingsView>("PUT", `/api/runs/${runId}/stakeholder-updates`, input));
    if (result.ok) {
      setView(result.data);
      setDraft({ ...result.data.settings, recipients: result.data.settings.recipients.join("\n") });
      setSavedNote(result.data.settings.enabled && result.data.nextDueAt ? `Saved. Next update at ${at(result.data.nextDueAt)}.` : "Saved.");
    }
  }

  async function onPreview() {
    if (!draft) return;
    setSentNote(null);
    const result = await previewForm.submit(() =>
      apiRequest<{ subject: string; text: string; renderedAt: string }>("POST", `/api/runs/${runId}/stakeholder-updates/preview`, { subjectTemplate: draft.subjectTemplate, bodyTemplate: draft.bodyTemplate }),
    );
    if (result.ok) setPreview(result.data);
  }

  async function onSend(event: React.FormEvent) {
    event.preventDefault();
    if (!preview) return;
    setSentNote(null);
    const result = await send.submit(() => apiRequest<{ message: Message }>("POST", `/api/runs/${runId}/stakeholder-updates/send`, { subject: preview.subject, text: preview.text }));
    if (result.ok) {
      const m = result.data.message;
      setSentNote(
        m.status === "SENT"
          ? `Sent to ${m.recipients.length} recipient${m.recipients.length === 1 ? "" : "s"}${m.channels.includes("webhook") ? " and the webhooks" : ""}.`
          : m.status === "PENDING"
            ? `Recorded; the email couldn't go out yet (${m.error}). It is retried automatically.`
            : m.status === "RECORDED"
              ? "Recorded and handed to the webhooks."
              : `Recorded, but the email failed: ${m.error}`,
      );
      setPreview(null);
      void loadLog();
    }
  }

  const savedRecipients = view?.settings.recipients.length ?? 0;

  return (
    <section aria-labelledby="stakeholder-heading" className="no-print rounded-xl bg-white p-3 text-sm shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <h2 id="stakeholder-heading" className="font-semibold">
            Stakeholder updates
          </h2>
          <p className="text-slate-600 dark:text-slate-400" data-testid="stakeholder-summary">
            {summary}
          </p>
        </div>
        <Button variant="secondary" size="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={bodyId}>
          {open ? "Hide" : "Stakeholder updates…"}
        </Button>
      </div>

      {open ? (
        <div id={bodyId} className="mt-3 space-y-4">
          {loadError ? <FormError message={loadError} /> : null}
          {!view || !draft ? (
            <p role="status" className="text-slate-600 dark:text-slate-400">
              Loading stakeholder updates…
            </p>
          ) : (
            <>
              {!view.mailConfigured ? (
                <p role="note" className="rounded-md bg-amber-50 p-2 text-amber-950 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-100 dark:ring-amber-900">
                  Email is not set up on this server (RUNSHEET_SMTP_URL): updates are recorded and go to webhooks, but no email leaves.
                </p>
              ) : null}
              {savedRecipients === 0 ? (
                <div className="rounded-lg border-2 border-dashed border-slate-300 p-3 text-center dark:border-slate-700">
                  <p className="font-semibold">No stakeholders yet</p>
                  <p className="text-slate-600 dark:text-slate-400">Add the people who want to hear how the night goes (CAB, service owners, the duty manager), then save.</p>
                </div>
              ) : null}

              <form onSubmit={onSave} className="grid gap-3 md:grid-cols-2" aria-label="Stakeholder update settings" noValidate>
                <FormError message={save.message} />
                <Field label="Recipients" error={save.errors.recipients} hint="Email addresses, one per line or separated by commas." className="md:col-span-2">
                  {(props) => <TextArea {...props} rows={3} value={draft.recipients} onChange={(e) => setDraft({ ...draft, recipients: e.target.value })} autoComplete="off" spellCheck={false} />}
                </Field>
                <fieldset className="space-y-1">
                  <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Channels</legend>
                  <label className="flex min-h-9 items-center gap-2">
                    <input type="checkbox" checked={draft.sendByEmail} onChange={(e) => setDraft({ ...draft, sendByEmail: e.target.checked })} className="size-4" />
                    Email
                  </label>
                  <label className="flex min-h-9 items-center gap-2">
                    <input type="checkbox" checked={draft.sendByWebhook} onChange={(e) => setDraft({ ...draft, sendByWebhook: e.target.checked })} className="size-4" />
                    Webhook (endpoints subscribed to run.stakeholder_update)
                  </label>
                  {save.errors.sendByEmail ? (
                    <p role="alert" className="text-rose-600 dark:text-rose-400">
                      {save.errors.sendByEmail.join(" ")}
                    </p>
                  ) : null}
                </fieldset>
                <div className="space-y-2">
                  <Field label="Every (minutes)" error={save.errors.intervalMinutes} hint={`${MIN_INTERVAL_MINUTES} to ${MAX_INTERVAL_MINUTES} minutes.`}>
                    {(props) => (
                      <TextInput
                        {...props}
                        type="number"
                        inputMode="numeric"
                        min={MIN_INTERVAL_MINUTES}
                        max={MAX_INTERVAL_MINUTES}
                        value={Number.isFinite(draft.intervalMinutes) ? draft.intervalMinutes : ""}
                        onChange={(e) => setDraft({ ...draft, intervalMinutes: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
                        className="max-w-32"
                      />
                    )}
                  </Field>
                  <label className="flex min-h-9 items-center gap-2">
                    <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} className="size-4" disabled={!view.runActive} />
                    Send automatically every {Number.isFinite(draft.intervalMinutes) ? draft.intervalMinutes : "N"} minutes
                  </label>
                  {save.errors.enabled ? (
                    <p role="alert" className="text-rose-600 dark:text-rose-400">
                      {save.errors.enabled.join(" ")}
                    </p>
                  ) : null}
                </div>
                <Field label="Subject template" error={save.errors.subjectTemplate} className="md:col-span-2">
                  {(props) => <TextInput {...props} value={draft.subjectTemplate} onChange={(e) => setDraft({ ...draft, subjectTemplate: e.target.value })} spellCheck={false} />}
                </Field>
                <Field label="Message template" error={save.errors.bodyTemplate} className="md:col-span-2">
                  {(props) => <TextArea {...props} rows={10} value={draft.bodyTemplate} onChange={(e) => setDraft({ ...draft, bodyTemplate: e.target.value })} className="font-mono" spellCheck={false} />}
                </Field>
                <details className="md:col-span-2">
                  <summary className="cursor-pointer font-medium">Placeholders</summary>
                  <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
                    {view.placeholders.map((p) => (
                      <div key={p.name} className="contents">
                        <dt className="font-mono">{`{{${p.name}}}`}</dt>
                        <dd className="text-slate-600 dark:text-slate-400">{p.description}</dd>
                      </div>
                    ))}
                  </dl>
                </details>
                <div className="flex flex-wrap items-center gap-2 md:col-span-2">
                  <Button type="submit" disabled={save.pending}>
                    {save.pending ? "Saving…" : "Save settings"}
                  </Button>
                  <Button variant="secondary" onClick={onPreview} disabled={previewForm.pending || !view.runActive}>
                    {previewForm.pending ? "Rendering…" : "Preview"}
                  </Button>
                  <FormSuccess message={savedNote} />
                </div>
              </form>

              {previewForm.message ? <FormError message={previewForm.message} /> : null}
              {preview ? (
                <form onSubmit={onSend} aria-label="Edit before sending" className="space-y-2 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200 dark:bg-slate-950 dark:ring-slate-800">
                  <h3 className="font-semibold">Edit before sending</h3>
                  <p className="text-slate-600 dark:text-slate-400">
                    As it would go out at {at(preview.renderedAt)}. Change anything; it goes out exactly as written here, by the saved channels.
                  </p>
                  <FormError message={send.message} />
                  <Field label="Subject" error={send.errors.subject}>
                    {(props) => <TextInput {...props} value={preview.subject} onChange={(e) => setPreview({ ...preview, subject: e.target.value })} />}
                  </Field>
                  <Field label="Message" error={send.errors.text}>
                    {(props) => <TextArea {...props} rows={12} value={preview.text} onChange={(e) => setPreview({ ...preview, text: e.target.value })} className="font-mono" />}
                  </Field>
                  <div className="flex flex-wrap gap-2">
                    <Button type="submit" disabled={send.pending}>
                      {send.pending ? "Sending…" : "Send now"}
                    </Button>
                    <Button variant="ghost" onClick={() => setPreview(null)}>
                      Discard
                    </Button>
                  </div>
                </form>
              ) : null}
              <FormSuccess message={sentNote} />

              <section aria-labelledby="stakeholder-log-heading" className="space-y-2">
                <h3 id="stakeholder-log-heading" className="font-semibold">
                  Sent updates
                </h3>
                {messages === null ? (
                  <p role="status" className="text-slate-600 dark:text-slate-400">
                    Loading…
                  </p>
                ) : messages.length === 0 ? (
                  <p className="text-slate-600 dark:text-slate-400">Nothing sent yet.</p>
                ) : (
                  <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Sent updates">
                    {messages.map((m) => (
                      <li key={m.id} className="py-2">
                        <details>
                          <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-2 gap-y-1">
                            <span className="font-mono text-xs">{at(m.sentAt)}</span>
                            <span className="min-w-0 font-medium [overflow-wrap:anywhere]">{m.subject}</span>
                            <Pill tone={STATUS_TONES[m.status]}>{MESSAGE_STATUS_LABELS[m.status]}</Pill>
                            <span className="text-xs text-slate-500">
                              {m.sentBy === null ? "by the schedule" : `by ${m.sentBy}`} · {m.recipients.length} recipient{m.recipients.length === 1 ? "" : "s"}
                              {m.channels.includes("webhook") ? " · webhook" : ""}
                            </span>
                          </summary>
                          {m.error ? (
                            <p className="mt-1 text-rose-700 dark:text-rose-300">
                              {m.error}
                              {m.status === "PENDING" && m.nextAttemptAt ? ` Retrying at ${at(m.nextAttemptAt)}.` : ""}
                            </p>
                          ) : null}
                          <pre className="mt-2 overflow-x-auto rounded-md bg-slate-50 p-2 text-xs whitespace-pre-wrap [overflow-wrap:anywhere] dark:bg-slate-950">{m.text}</pre>
                        </details>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          )}
        </div>
      ) : null}
    </section>
  );
}
