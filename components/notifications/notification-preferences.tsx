"use client";
import { useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { FormError, FormSuccess } from "../ui/field";

export interface PreferenceRow {
  kind: string;
  label: string;
  inApp: boolean;
  email: boolean;
}

/** The /account card: each kind of notification × (In app, Email). */
export function NotificationPreferencesCard({ initial, emailAvailable }: { initial: PreferenceRow[]; emailAvailable: boolean }) {
  const [rows, setRows] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const set = (kind: string, channel: "inApp" | "email", value: boolean) => {
    setNotice(null);
    setRows((current) => current.map((r) => (r.kind === kind ? { ...r, [channel]: value } : r)));
  };

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    setNotice(null);
    const result = await apiRequest<{ preferences: PreferenceRow[] }>("PUT", "/api/account/notification-preferences", {
      preferences: rows.map(({ kind, inApp, email }) => ({ kind, inApp, email })),
    });
    setSaving(false);
    if (!result.ok) return setError(result.error.message);
    setRows(result.data.preferences);
    setNotice("Notification settings saved.");
  };

  return (
    <Card className="self-start p-5 lg:col-span-2" aria-labelledby="notification-preferences-heading">
      <h2 id="notification-preferences-heading" className="font-semibold">
        Notifications
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        What reaches you in the bell and by email. &ldquo;You&apos;re up&rdquo; and &ldquo;overdue&rdquo; are repeated until you acknowledge them (or start the step); after two reminders the project&apos;s lead is told.
      </p>
      {!emailAvailable ? (
        <p id="email-unavailable" className="mt-2 rounded-md bg-amber-50 p-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900">
          Email is not set up on this server (an admin sets RUNSHEET_SMTP_URL), so only the bell is used.
        </p>
      ) : null}
      <form onSubmit={save} className="mt-3">
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
              <th scope="col" className="py-1.5 pr-2 font-medium">
                Kind
              </th>
              <th scope="col" className="w-20 px-2 py-1.5 text-center font-medium">
                In app
              </th>
              <th scope="col" className="w-20 px-2 py-1.5 text-center font-medium">
                Email
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((row) => (
              <tr key={row.kind}>
                <th scope="row" className="py-2 pr-2 text-left font-normal">
                  {row.label}
                </th>
                <td className="px-2 py-2 text-center">
                  <input type="checkbox" className="h-4 w-4" aria-label={`${row.label}: in app`} checked={row.inApp} onChange={(e) => set(row.kind, "inApp", e.target.checked)} />
                </td>
                <td className="px-2 py-2 text-center">
                  <input
                    type="checkbox"
                    className="h-4 w-4 disabled:opacity-40"
                    aria-label={`${row.label}: email`}
                    aria-describedby={emailAvailable ? undefined : "email-unavailable"}
                    checked={row.email && emailAvailable}
                    disabled={!emailAvailable}
                    onChange={(e) => set(row.kind, "email", e.target.checked)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="mt-3 flex flex-col gap-2">
          <FormError message={error} />
          <FormSuccess message={notice} />
          <div>
            <Button type="submit" disabled={saving}>
              {saving ? "Saving…" : "Save notification settings"}
            </Button>
          </div>
        </div>
      </form>
    </Card>
  );
}
