"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { ROLE_LABELS, type RoleName } from "@/lib/platform/auth/roles";
import { PROJECT_ROLE_LABELS, PROJECT_ROLES, type ProjectRoleName } from "@/lib/projects/model";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Field, FormError, Select } from "../ui/field";
import { Pill } from "../ui/status-badge";
import { useApiForm } from "../ui/use-api-form";

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  installationRole: RoleName;
  role: ProjectRoleName;
  active: boolean;
}

/**
 * The project's members (admins). A member's rights here are the lower of their installation role
 * and the role chosen here; installation admins see every project and need no membership.
 */
export function ProjectMembers({ projectId, visibility, members, candidates }: { projectId: string; visibility: "members" | "all"; members: MemberRow[]; candidates: { id: string; name: string; email: string; role: RoleName }[] }) {
  const router = useRouter();
  const [rowError, setRowError] = useState<string | null>(null);

  async function change(member: MemberRow, role: ProjectRoleName) {
    setRowError(null);
    const result = await apiRequest("PATCH", `/api/projects/${projectId}/members/${member.userId}`, { role });
    if (!result.ok) return setRowError(`${member.name}: ${result.error.message}`);
    router.refresh();
  }
  async function remove(member: MemberRow) {
    setRowError(null);
    const result = await apiRequest("DELETE", `/api/projects/${projectId}/members/${member.userId}`);
    if (!result.ok) return setRowError(`${member.name}: ${result.error.message}`);
    router.refresh();
  }

  return (
    <Card className="p-5 sm:p-6" aria-labelledby="members-heading">
      <h2 id="members-heading" className="text-lg font-semibold">
        Members
      </h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
        {visibility === "members"
          ? "Viewers and operators see this project only if they are members. "
          : "Every signed-in user sees this project (the installation shows all projects); a member's role here still limits what they can do. "}
        A member can do here what the lower of their role and their project role allows. Admins see and do everything without being members.
      </p>
      <FormError message={rowError} />
      {members.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600 dark:text-slate-400">No members yet.</p>
      ) : (
        <ul aria-label="Project members" className="mt-4 divide-y divide-slate-100 dark:divide-slate-800">
          {members.map((member) => (
            <li key={member.userId} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <div className="font-medium">{member.name}</div>
                <div className="truncate text-sm text-slate-600 dark:text-slate-400">
                  {member.email} · {ROLE_LABELS[member.installationRole]}
                </div>
              </div>
              {!member.active ? <Pill tone="rose">Deactivated</Pill> : null}
              <label className="sr-only" htmlFor={`member-role-${member.userId}`}>
                Project role of {member.name}
              </label>
              <select
                id={`member-role-${member.userId}`}
                value={member.role}
                onChange={(e) => change(member, e.target.value as ProjectRoleName)}
                className="rounded-md bg-white px-2 py-1.5 text-sm ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700"
              >
                {PROJECT_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {PROJECT_ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
              <Button size="sm" variant="secondary" onClick={() => remove(member)} aria-label={`Remove ${member.name} from the project`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <AddMemberForm projectId={projectId} candidates={candidates} onAdded={() => router.refresh()} />
    </Card>
  );
}

function AddMemberForm({ projectId, candidates, onAdded }: { projectId: string; candidates: { id: string; name: string; email: string; role: RoleName }[]; onAdded: () => void }) {
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<ProjectRoleName>("OPERATOR");
  const { errors, message, pending, submit } = useApiForm();
  async function add(event: FormEvent) {
    event.preventDefault();
    const result = await submit(() => apiRequest("POST", `/api/projects/${projectId}/members`, { userId, role }));
    if (!result.ok) return;
    setUserId("");
    onAdded();
  }
  return (
    <form onSubmit={add} className="mt-4 grid gap-3 border-t border-slate-100 pt-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end dark:border-slate-800" noValidate>
      <div className="sm:col-span-3">
        <FormError message={message} />
      </div>
      <Field label="Add a member" error={errors.userId}>
        {(a) => (
          <Select {...a} value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Choose a person…</option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.email}, {ROLE_LABELS[c.role]})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Project role" error={errors.role}>
        {(a) => (
          <Select {...a} value={role} onChange={(e) => setRole(e.target.value as ProjectRoleName)}>
            {PROJECT_ROLES.map((r) => (
              <option key={r} value={r}>
                {PROJECT_ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}
