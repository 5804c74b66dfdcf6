import type { InstallationEvent } from "@/lib/audit/queries";
import { Card, EmptyState } from "../ui/card";
import { Table, TableBody, TableHead } from "../ui/table";

const ACTION_LABELS: Record<string, string> = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in refused",
  "auth.sign_in_delayed": "Sign-ins delayed",
  "auth.sign_out": "Signed out",
  "auth.password_change": "Changed their password",
  "auth.password_reset_issue": "Reset a password",
  "auth.password_reset_complete": "Set a new password (reset link)",
  "auth.session_revoke": "Signed out a device",
  "auth.session_revoke_others": "Signed out their other devices",
  "auth.session_revoke_all": "Signed a user out everywhere",
  "auth.sso_role_change": "Role changed by single sign-on",
  "auth.sso_access_removed": "Access removed by single sign-on",
  "user.create": "Created a user",
  "user.update": "Changed a user",
  "demo.remove": "Removed the demo",
};

/** Sign-ins and account changes, newest first: what an auditor asks about access. Times in the viewer's zone. */
export function AccountActivity({ events }: { events: InstallationEvent[] }) {
  if (events.length === 0) return <EmptyState title="No account activity yet">Sign-ins, refusals, password changes and session revocations appear here.</EmptyState>;
  return (
    <Card className="overflow-hidden">
      <Table caption="Account activity, newest first" dense>
        <TableHead>
          <th scope="col" className="px-3 py-2">When</th>
          <th scope="col" className="px-3 py-2">Who</th>
          <th scope="col" className="px-3 py-2">What</th>
          <th scope="col" className="px-3 py-2">From</th>
          <th scope="col" className="px-3 py-2">Details</th>
        </TableHead>
        <TableBody>
          {events.map((event) => (
            <tr key={event.seq} className={event.action === "auth.sign_in_failed" || event.action === "auth.sign_in_delayed" ? "bg-amber-50/60 dark:bg-amber-950/20" : undefined}>
              <td className="whitespace-nowrap px-3 py-2">
                <time dateTime={event.at} suppressHydrationWarning>
                  {new Date(event.at).toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" })}
                </time>
              </td>
              <td className="px-3 py-2">{event.actorName ?? event.details.email ?? "—"}</td>
              <td className="px-3 py-2">{ACTION_LABELS[event.action] ?? event.action}</td>
              <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{event.details.address ?? "—"}</td>
              <td className="px-3 py-2 text-slate-600 dark:text-slate-400">{event.details.detail ?? ""}</td>
            </tr>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
