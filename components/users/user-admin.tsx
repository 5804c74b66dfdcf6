"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { ROLE_LABELS, ROLES, type RoleName } from "@/lib/platform/auth/roles";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CopyButton } from "../ui/copy-button";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, FormSuccess, Select, TextInput } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { useApiForm } from "../ui/use-api-form";

interface UserRow {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  active: boolean;
  demo: boolean;
}

const ROLE_HELP: Record<RoleName, string> = {
  ADMIN: "Everything: plans, projects, users, undoing sign-offs.",
  OPERATOR: "Starts, finishes, skips, fails and signs off steps in runs.",
  VIEWER: "Reads everything, changes nothing.",
};

export function UserAdmin({ users, meId }: { users: UserRow[]; meId: string }) {
  const router = useRouter();
  const [rowError, setRowError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<UserRow | null>(null);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [rowNotice, setRowNotice] = useState<string | null>(null);

  async function signOutEverywhere(user: UserRow) {
    setRowError(null);
    setRowNotice(null);
    const result = await apiRequest<{ revoked: number }>("DELETE", `/api/users/${user.id}/sessions`);
    if (!result.ok) return setRowError(`${user.name}: ${result.error.message}`);
    setRowNotice(`${user.name} was signed out of ${result.data.revoked} session${result.data.revoked === 1 ? "" : "s"}.`);
  }

  async function update(user: UserRow, input: { role?: RoleName; active?: boolean }) {
    setRowError(null);
    setRowNotice(null);
    const result = await apiRequest("PATCH", `/api/users/${user.id}`, input);
    if (!result.ok) return setRowError(`${user.name}: ${result.error.message}`);
    router.refresh();
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="self-start overflow-hidden lg:col-span-2">
        <FormError message={rowError} />
        <FormSuccess message={rowNotice} className="m-3" />
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {users.map((user) => (
            <li key={user.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
              {/* At least 14rem for the name: the actions wrap onto their own line before it is squeezed. */}
              <div className="min-w-0 flex-1 basis-56">
                <div className="flex flex-wrap items-center gap-2 font-medium">
                  {user.name} {user.id === meId ? <span className="text-xs text-slate-500">(you)</span> : null}
                  {user.demo ? <Pill tone="amber">Demo</Pill> : null}
                  {!user.active ? <Pill tone="rose">Deactivated</Pill> : null}
                </div>
                <div className="truncate text-sm text-slate-600 dark:text-slate-400">{user.email}</div>
              </div>
              <label className="sr-only" htmlFor={`role-${user.id}`}>
                Role of {user.name}
              </label>
              <select
                id={`role-${user.id}`}
                value={user.role}
                disabled={user.id === meId}
                onChange={(e) => update(user, { role: e.target.value as RoleName })}
                className="rounded-md bg-white px-2 py-1.5 text-sm ring-1 ring-slate-300 disabled:opacity-60 dark:bg-slate-900 dark:ring-slate-700"
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
              <Button size="sm" variant="secondary" onClick={() => setRenaming(user)} aria-label={`Rename ${user.name}`}>
                Rename
              </Button>
              {user.id !== meId ? (
                <>
                  {user.active ? (
                    <>
                      <Button size="sm" variant="secondary" onClick={() => setResetting(user)} aria-label={`Reset the password of ${user.name}`}>
                        Reset password
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => signOutEverywhere(user)} aria-label={`Sign ${user.name} out everywhere`}>
                        Sign out everywhere
                      </Button>
                    </>
                  ) : null}
                  <Button size="sm" variant="secondary" onClick={() => update(user, { active: !user.active })}>
                    {user.active ? "Deactivate" : "Reactivate"}
                  </Button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
      {resetting ? <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} /> : null}
      {renaming ? <RenameDialog user={renaming} onClose={() => setRenaming(null)} onDone={() => router.refresh()} /> : null}
      <Card className="self-start p-5">
        <h2 className="font-semibold">Add a user</h2>
        <NewUserForm onCreated={() => router.refresh()} />
      </Card>
    </div>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const empty = { name: "", email: "", password: "", role: "OPERATOR" as RoleName };
  const [form, setForm] = useState(empty);
  const { errors, message, pending, submit } = useApiForm();
  const [created, setCreated] = useState<string | null>(null);
  async function addUser(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const result = await submit(() => apiRequest("POST", "/api/users", form));
    if (!result.ok) return;
    setCreated(`${form.name} can now sign in as ${form.email}.`);
    setForm(empty);
    onCreated();
  }
  return (
    <form onSubmit={addUser} className="mt-4 space-y-3" noValidate>
      <FormError message={message} />
      <FormSuccess message={created} />
      <Field label="Name" error={errors.name}>{(a) => <TextInput {...a} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}</Field>
      <Field label="Email" error={errors.email}>{(a) => <TextInput {...a} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}</Field>
      <Field label="Initial password" error={errors.password} hint="At least 12 characters, not easy to guess. Share it privately.">
        {(a) => <TextInput {...a} type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />}
      </Field>
      <Field label="Role" error={errors.role} hint={ROLE_HELP[form.role]}>
        {(a) => (
          <Select {...a} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as RoleName })}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Adding…" : "Add user"}
      </Button>
    </form>
  );
}

/** An admin renames a user (audited). Past sign-offs keep the name they were signed with. */
function RenameDialog({ user, onClose, onDone }: { user: UserRow; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(user.name);
  const { errors, message, pending, submit } = useApiForm();
  return (
    <Dialog open onClose={onClose} title={`Rename ${user.name}`}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await submit(() => apiRequest("PATCH", `/api/users/${user.id}`, { name }));
          if (!result.ok) return;
          onClose();
          onDone();
        }}
      >
        <FormError message={message} />
        <p className="text-sm text-slate-600 dark:text-slate-400">New sign-offs and decisions use the new name. Past records keep the name they were made under.</p>
        <Field label="Name" error={errors.name}>{(a) => <TextInput {...a} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}</Field>
        <DialogActions onCancel={onClose} confirmLabel="Rename" pending={pending} />
      </form>
    </Dialog>
  );
}

/**
 * An admin resets a password: first a confirmation (the old password stops working and the
 * person is signed out everywhere), then the one-time link, shown once, to hand over.
 */
function ResetPasswordDialog({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const { message, pending, submit } = useApiForm();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  return (
    <Dialog open onClose={onClose} title={`Reset the password of ${user.name}`}>
      {link ? (
        <div className="space-y-3">
          <FormSuccess message={`${user.name}'s old password no longer works, and they were signed out everywhere.`} />
          <p className="text-sm">Give them this link privately. It works once, until {new Date(link.expiresAt).toLocaleString()}, and asks them to choose a new password.</p>
          <div className="flex items-center gap-2">
            <code aria-label="One-time reset link" className="min-w-0 flex-1 break-all rounded-md bg-slate-100 px-2 py-1.5 text-xs dark:bg-slate-800">
              {link.url}
            </code>
            <CopyButton text={link.url} label="Copy link" />
          </div>
          <div className="flex justify-end">
            <Button onClick={onClose}>Done</Button>
          </div>
        </div>
      ) : (
        <form
          className="space-y-4"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const result = await submit(() => apiRequest<{ token: string; expiresAt: string }>("POST", `/api/users/${user.id}/password-reset`));
            // The token travels in the fragment: browsers never send it to a server or in a Referer.
            if (result.ok) setLink({ url: `${window.location.origin}/reset-password#${result.data.token}`, expiresAt: result.data.expiresAt });
          }}
        >
          <FormError message={message} />
          <p className="text-sm">
            {user.name}&apos;s current password stops working at once and they are signed out everywhere. You get a one-time link for them to choose a new password.
          </p>
          <DialogActions onCancel={onClose} confirmLabel="Reset password" pending={pending} />
        </form>
      )}
    </Dialog>
  );
}
