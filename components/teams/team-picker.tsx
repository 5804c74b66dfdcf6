"use client";
import { createContext, useContext, useId, useState, type ReactNode } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { canonicalTeamText, splitTeamText, teamKey, type TeamOption } from "@/lib/teams/model";

/*
 * The team list the project's pickers offer, loaded once by the page; a team created inline is
 * added here, so every picker on the page offers it straight away.
 */
const TeamOptionsContext = createContext<{ teams: TeamOption[]; add: (team: TeamOption) => void }>({ teams: [], add: () => {} });

export function TeamOptionsProvider({ teams: initial, children }: { teams: TeamOption[]; children: ReactNode }) {
  const [teams, setTeams] = useState(initial);
  const add = (team: TeamOption) => setTeams((all) => (all.some((t) => t.id === team.id) ? all : [...all, team].sort((a, b) => (teamKey(a.name) < teamKey(b.name) ? -1 : 1))));
  return <TeamOptionsContext.Provider value={{ teams, add }}>{children}</TeamOptionsContext.Provider>;
}

export const useTeamOptions = () => useContext(TeamOptionsContext);

/**
 * One or more teams picked from the list: a checkbox per team, and a field that creates a new
 * team (admins: only they edit plans). The value is the set's canonical text ("BA+OS"), which is
 * what the API takes. A name in the value that is no team (an old plan's) stays listed, ticked.
 */
export function TeamPicker({ label, value, onChange, error, compact = false }: { label: string; value: string; onChange: (text: string) => void; error?: string[]; compact?: boolean }) {
  const { teams, add } = useTeamOptions();
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const chosen = new Set(splitTeamText(value).map(teamKey));
  const strays = splitTeamText(value).filter((n) => !teams.some((t) => teamKey(t.name) === teamKey(n)));
  const options = [...teams.map((t) => t.name), ...strays];
  const toggle = (name: string, on: boolean) => onChange(canonicalTeamText(on ? [...splitTeamText(value), name] : splitTeamText(value).filter((n) => teamKey(n) !== teamKey(name))));

  async function create() {
    if (draft.trim() === "") return;
    setBusy(true);
    setProblem(null);
    const existing = teams.find((t) => teamKey(t.name) === teamKey(draft));
    if (existing) {
      toggle(existing.name, true);
      setDraft("");
      setBusy(false);
      return;
    }
    const result = await apiRequest<TeamOption>("POST", "/api/teams", { name: draft });
    setBusy(false);
    if (!result.ok) return setProblem(result.error.fieldErrors.name?.[0] ?? result.error.message);
    add({ id: result.data.id, name: result.data.name });
    toggle(result.data.name, true);
    setDraft("");
  }

  const errorText = problem ?? error?.[0] ?? null;
  return (
    <fieldset aria-label={label} aria-describedby={errorText ? `${id}-error` : undefined} className="min-w-0">
      {compact ? null : <legend className="mb-1 block text-sm font-medium">{label}</legend>}
      <div className={`flex flex-wrap gap-x-3 gap-y-1 overflow-y-auto rounded-md p-2 ring-1 ring-slate-300 dark:ring-slate-700 ${compact ? "max-h-32" : "max-h-40"}`}>
        {options.length === 0 ? <span className="text-sm text-slate-500">No teams yet.</span> : null}
        {options.map((name) => (
          <label key={name} className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" checked={chosen.has(teamKey(name))} onChange={(e) => toggle(name, e.target.checked)} />
            {name}
          </label>
        ))}
      </div>
      <div className="mt-1 flex items-center gap-1">
        <input
          aria-label={`New team for ${label.toLowerCase()}`}
          placeholder="New team"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              void create();
            }
          }}
          className="w-32 min-w-0 rounded-md bg-white px-2 py-1 text-sm ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700"
        />
        <button type="button" onClick={() => void create()} disabled={busy || draft.trim() === ""} className="rounded-md px-2 py-1 text-sm font-medium text-indigo-700 ring-1 ring-indigo-300 disabled:opacity-50 dark:text-indigo-300">
          Add team
        </button>
      </div>
      {errorText ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
          {errorText}
        </p>
      ) : null}
    </fieldset>
  );
}
