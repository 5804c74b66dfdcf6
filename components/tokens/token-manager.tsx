"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { TOKEN_LIFETIMES_DAYS, TOKEN_SCOPE_LABELS, TOKEN_SCOPE_NAMES, type TokenScopeName, type TokenSummary } from "@/lib/tokens/model";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Field, FormError, FormSuccess, Select, TextInput } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { useApiForm } from "../ui/use-api-form";

function LocalTime({ value }: { value: string }) {
  return (
    <time dateTime={value} suppressHydrationWarning>
      {new Date(value).toLocaleString(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" })}
    </time>
  );
}

/**
 * API tokens: make one (its secret is shown once, here, with a copy button), see when each was
 * last used and from where, revoke one. `everyone`: the admin page, with every user's tokens and
 * the choice of a service token.
 */
export function TokenManager({ tokens, projects, canMakeAdmin, everyone = false }: { tokens: TokenSummary[]; projects: { id: string; name: string }[]; canMakeAdmin: boolean; everyone?: boolean }) {
  const router = useRouter();
  const empty = { name: "", scope: "OPERATE" as TokenScopeName, projectIds: [] as string[], expiresInDays: 90 as number, kind: everyone ? "SERVICE" : "PERSONAL" };
  const [form, setForm] = useState(empty);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const { errors, message, pending, submit } = useApiForm();
  const [listError, setListError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const scopes = TOKEN_SCOPE_NAMES.filter((s) => s !== "ADMIN" || canMakeAdmin);

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    setNotice(null);
    const result = await submit(() => apiRequest<{ token: TokenSummary; secret: string }>("POST", "/api/tokens", form));
    if (!result.ok) return;
    setCreated({ name: result.data.token.name, secret: result.data.secret });
    setForm(empty);
    router.refresh();
  }

  async function revoke(token: TokenSummary) {
    setListError(null);
    setNotice(null);
    setBusy(token.id);
    const result = await apiRequest("DELETE", `/api/tokens/${token.id}`);
    setBusy(null);
    if (!result.ok) return setListError(result.error.message);
    setNotice(`Revoked "${token.name}". Scripts using it are refused from now on.`);
    router.refresh();
  }

  return (
    <Card className="overflow-hidden lg:col-span-3" aria-labelledby="api-tokens-heading">
      <div className="px-5 pt-5">
        <h2 id="api-tokens-heading" className="font-semibold">
          API tokens
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          For scripts and the <code>runsheet</code> command on the servers: a token acts as {everyone ? "the admin who made it" : "you"}, with no more than its scope allows, only in the projects it names. Changes made with it are
          recorded under its name. Every route is described in the{" "}
          <Link href="/api-docs" className="font-medium text-indigo-700 underline dark:text-indigo-300">
            API reference
          </Link>{" "}
          (OpenAPI 3.1 at <code>/api/openapi.json</code>).
        </p>
      </div>
      <form onSubmit={create} className="grid gap-3 px-5 pt-4 sm:grid-cols-2 lg:grid-cols-4" noValidate aria-label="New API token">
        <div className="sm:col-span-2 lg:col-span-4">
          <FormError message={message} />
        </div>
        <Field label="Token name" error={errors.name} hint="What uses it: “backup-scripts on nbu-old”.">
          {(a) => <TextInput {...a} value={form.name} maxLength={80} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field label="Scope" error={errors.scope}>
          {(a) => (
            <Select {...a} value={form.scope} onChange={(e) => setForm({ ...form, scope: e.target.value as TokenScopeName })}>
              {scopes.map((s) => (
                <option key={s} value={s}>
                  {TOKEN_SCOPE_LABELS[s]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Expires after" error={errors.expiresInDays}>
          {(a) => (
            <Select {...a} value={form.expiresInDays} onChange={(e) => setForm({ ...form, expiresInDays: Number(e.target.value) })}>
              {TOKEN_LIFETIMES_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </Select>
          )}
        </Field>
        <fieldset className="text-sm">
          <legend className="font-medium text-slate-700 dark:text-slate-300">Projects</legend>
          <p className="text-xs text-slate-500 dark:text-slate-400">None ticked: every project {everyone ? "its owner" : "you"} can see.</p>
          <div className="mt-1 max-h-32 space-y-1 overflow-y-auto">
            {projects.map((p) => (
              <label key={p.id} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={form.projectIds.includes(p.id)}
                  onChange={(e) => setForm({ ...form, projectIds: e.target.checked ? [...form.projectIds, p.id] : form.projectIds.filter((id) => id !== p.id) })}
                />
                {p.name}
              </label>
            ))}
          </div>
          {errors.projectIds?.length ? <p className="mt-1 text-rose-600">{errors.projectIds.join(" ")}</p> : null}
        </fieldset>
        {everyone ? (
          <label className="flex items-center gap-2 text-sm sm:col-span-2">
            <input type="checkbox" checked={form.kind === "SERVICE"} onChange={(e) => setForm({ ...form, kind: e.target.checked ? "SERVICE" : "PERSONAL" })} />
            Service token (for a script, listed to every admin)
          </label>
        ) : null}
        <div className="sm:col-span-2 lg:col-span-4">
          <Button type="submit" disabled={pending}>
            {pending ? "Creating…" : "Create token"}
          </Button>
        </div>
      </form>
      {created ? (
        <div role="status" aria-label="New token secret" className="mx-5 mt-4 rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200 dark:bg-emerald-950 dark:ring-emerald-800">
          <p className="font-medium">Token “{created.name}” created. Copy its secret now: it is shown only this once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="token-secret" className="break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy secret" />
          </div>
        </div>
      ) : null}
      <div className="px-5 pt-3">
        <FormError message={listError} />
        <FormSuccess message={notice} />
      </div>
      {tokens.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600 dark:text-slate-400">No tokens yet.</p>
      ) : (
        <ul aria-label={everyone ? "All API tokens" : "Your API tokens"} className="mt-2 divide-y divide-slate-100 dark:divide-slate-800">
          {tokens.map((t) => (
            <li key={t.id} aria-label={t.name} className="flex flex-wrap items-center gap-3 px-5 py-3">
              <div className="min-w-0 flex-1">
                <div className="font-medium">
                  {t.name} <Pill tone={t.scope === "ADMIN" ? "rose" : t.scope === "OPERATE" ? "indigo" : "slate"}>{t.scope.toLowerCase()}</Pill>{" "}
                  {t.kind === "SERVICE" ? <Pill tone="violet">service</Pill> : null} {t.state !== "active" ? <Pill tone="amber">{t.state}</Pill> : null}
                </div>
                <div className="text-sm text-slate-600 dark:text-slate-400">
                  <code>{t.prefix}…</code>
                  {everyone ? ` · ${t.owner.name}` : ""} · {t.projects ? t.projects.map((p) => p.name).join(", ") : "all projects"} · expires <LocalTime value={t.expiresAt} /> ·{" "}
                  {t.lastUsedAt ? (
                    <span>
                      last used <LocalTime value={t.lastUsedAt} />
                      {t.lastUsedAddress ? ` from ${t.lastUsedAddress}` : ""}
                    </span>
                  ) : (
                    "never used"
                  )}
                  {t.revokedAt ? (
                    <span>
                      {" "}
                      · revoked <LocalTime value={t.revokedAt} />
                      {t.revokedBy ? ` by ${t.revokedBy}` : ""}
                    </span>
                  ) : null}
                </div>
              </div>
              {t.state === "active" ? (
                <Button size="sm" variant="secondary" disabled={busy !== null} aria-label={`Revoke ${t.name}`} onClick={() => revoke(t)}>
                  {busy === t.id ? "Revoking…" : "Revoke"}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
