"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog, DialogActions } from "../ui/dialog";
import { Field, FormError, FormSuccess, Select, TextInput } from "../ui/field";
import { useApiForm } from "../ui/use-api-form";

interface TeamRow {
  id: string;
  name: string;
  description: string;
  stepCount: number;
  projectCount: number;
}

const steps = (n: number) => `${n} step${n === 1 ? "" : "s"}`;

export function TeamAdmin({ teams }: { teams: TeamRow[] }) {
  const router = useRouter();
  const [renaming, setRenaming] = useState<TeamRow | null>(null);
  const [merging, setMerging] = useState<TeamRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="self-start overflow-hidden lg:col-span-2">
        <FormSuccess message={notice} className="m-3" />
        {teams.length === 0 ? <p className="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">No teams yet. Create one here, or they come with templates and imports.</p> : null}
        <ul aria-label="Teams" className="divide-y divide-slate-100 dark:divide-slate-800">
          {teams.map((team) => (
            <li key={team.id} aria-label={team.name} className="flex flex-wrap items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1 basis-56">
                <div className="font-medium">{team.name}</div>
                <div className="text-sm text-slate-600 dark:text-slate-400">
                  {steps(team.stepCount)} in {team.projectCount} project{team.projectCount === 1 ? "" : "s"}
                  {team.description ? ` · ${team.description}` : ""}
                </div>
              </div>
              <Button size="sm" variant="secondary" onClick={() => setRenaming(team)} aria-label={`Rename ${team.name}`}>
                Rename
              </Button>
              <Button size="sm" variant="secondary" onClick={() => setMerging(team)} disabled={teams.length < 2} aria-label={`Merge ${team.name} into…`}>
                Merge into…
              </Button>
            </li>
          ))}
        </ul>
      </Card>
      <CreateTeam onCreated={(name) => (setNotice(`Team ${name} created.`), router.refresh())} />
      {renaming ? <RenameTeam team={renaming} onClose={() => setRenaming(null)} onDone={(text) => (setRenaming(null), setNotice(text), router.refresh())} /> : null}
      {merging ? <MergeTeam team={merging} teams={teams.filter((t) => t.id !== merging.id)} onClose={() => setMerging(null)} onDone={(text) => (setMerging(null), setNotice(text), router.refresh())} /> : null}
    </div>
  );
}

function CreateTeam({ onCreated }: { onCreated: (name: string) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const { errors, message, pending, submit } = useApiForm();
  async function create(event: FormEvent) {
    event.preventDefault();
    const result = await submit(() => apiRequest<{ name: string }>("POST", "/api/teams", { name, description }));
    if (!result.ok) return;
    setName("");
    setDescription("");
    onCreated(result.data.name);
  }
  return (
    <Card className="self-start p-4">
      <form onSubmit={create} className="space-y-3" aria-label="New team" noValidate>
        <h2 className="font-semibold">New team</h2>
        <FormError message={message} />
        <Field label="Name" error={errors.name} hint='Short, as plans write it: "BA", "Storage/SAN". No "+": that joins teams.'>
          {(a) => <TextInput {...a} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Description" error={errors.description}>
          {(a) => <TextInput {...a} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Button type="submit" disabled={pending}>
          Create team
        </Button>
      </form>
    </Card>
  );
}

function RenameTeam({ team, onClose, onDone }: { team: TeamRow; onClose: () => void; onDone: (notice: string) => void }) {
  const [name, setName] = useState(team.name);
  const [description, setDescription] = useState(team.description);
  const { errors, message, pending, submit } = useApiForm();
  async function save(event: FormEvent) {
    event.preventDefault();
    const result = await submit(() => apiRequest<{ name: string }>("PATCH", `/api/teams/${team.id}`, { name, description }));
    if (result.ok) onDone(`Team ${team.name} is now ${result.data.name}.`);
  }
  return (
    <Dialog open onClose={onClose} title={`Rename ${team.name}`}>
      <form onSubmit={save} className="space-y-3" noValidate>
        <FormError message={message} />
        <p className="text-sm text-slate-600 dark:text-slate-400">The {steps(team.stepCount)} of this team show the new name in their plans. Runs keep the name they ran with.</p>
        <Field label="Name" error={errors.name}>{(a) => <TextInput {...a} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}</Field>
        <Field label="Description" error={errors.description}>{(a) => <TextInput {...a} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <DialogActions onCancel={onClose} confirmLabel="Save" pending={pending} />
      </form>
    </Dialog>
  );
}

function MergeTeam({ team, teams, onClose, onDone }: { team: TeamRow; teams: TeamRow[]; onClose: () => void; onDone: (notice: string) => void }) {
  const [intoTeamId, setInto] = useState("");
  const { errors, message, pending, submit } = useApiForm();
  const into = teams.find((t) => t.id === intoTeamId);
  async function merge(event: FormEvent) {
    event.preventDefault();
    const result = await submit(() => apiRequest<{ name: string; movedSteps: number }>("POST", `/api/teams/${team.id}/merge`, { intoTeamId }));
    if (result.ok) onDone(`${team.name} was merged into ${result.data.name} (${steps(result.data.movedSteps)}).`);
  }
  return (
    <Dialog open onClose={onClose} title={`Merge ${team.name}`}>
      <form onSubmit={merge} className="space-y-3" noValidate>
        <FormError message={message} />
        <Field label="Merge into" error={errors.intoTeamId}>
          {(a) => (
            <Select {...a} value={intoTeamId} onChange={(e) => setInto(e.target.value)}>
              <option value="">Choose a team…</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {into ? `The ${steps(team.stepCount)} of ${team.name} become ${into.name}'s, and ${team.name} is deleted.` : `The steps of ${team.name} move to the team you choose, and ${team.name} is deleted.`} Runs keep the names they ran with.
        </p>
        <DialogActions onCancel={onClose} confirmLabel="Merge" pending={pending} pendingLabel="Merging…" variant="danger" />
      </form>
    </Dialog>
  );
}
