/**
 * Team names and team sets as text. Pure: the pickers, the import preview and the server use the
 * same rules. A step's team text is its set of teams, names joined by "+" in canonical order (by
 * key), so "OS+BA" and "BA+OS" are one set and print the same everywhere.
 */

export const TEAM_NAME_MAX = 40;
/** What joins the names of a set: also why a team's name can't contain it. */
export const TEAM_SEPARATOR = "+";

/** The name as stored: trimmed, runs of spaces made one. */
export function cleanTeamName(name: string): string {
  return name.replace(/\s+/g, " ").trim();
}

/** What makes two names the same team: case and spacing ignored ("ba", " BA "). */
export function teamKey(name: string): string {
  return cleanTeamName(name).toLowerCase();
}

/** The names a team text holds, cleaned, each once (first spelling wins), in the order written. */
export function splitTeamText(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const part of text.split(TEAM_SEPARATOR)) {
    const name = cleanTeamName(part);
    if (name === "" || seen.has(teamKey(name))) continue;
    seen.add(teamKey(name));
    names.push(name);
  }
  return names;
}

/**
 * The canonical text of a set of names: each once, ordered by key (as the migration's
 * `ORDER BY key` does: plain code-unit order, not the locale's), joined by "+".
 */
export function canonicalTeamText(names: readonly string[]): string {
  const byKey = new Map<string, string>();
  for (const name of names) {
    const clean = cleanTeamName(name);
    if (clean !== "" && !byKey.has(teamKey(clean))) byKey.set(teamKey(clean), clean);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, name]) => name)
    .join(TEAM_SEPARATOR);
}

/** A free text's set in canonical form ("OS + BA" → "BA+OS"), for grouping texts that were never canonicalised (old runs). */
export function canonicalizeTeamText(text: string): string {
  return canonicalTeamText(splitTeamText(text));
}

/** Why a name can't be a team's, or null when it can. */
export function teamNameProblem(name: string): string | null {
  const clean = cleanTeamName(name);
  if (clean === "") return "Give the team a name.";
  if (clean.includes(TEAM_SEPARATOR)) return `A team's name can't contain "${TEAM_SEPARATOR}": it joins the teams of a step ("BA+OS" is two teams).`;
  if (clean.length > TEAM_NAME_MAX) return `A team's name has at most ${TEAM_NAME_MAX} characters.`;
  return null;
}

export interface TeamOption {
  id: string;
  name: string;
}

/** The names these team texts use that are no known team, each once, as first spelled: what an import will create. */
export function newTeamNames(texts: Iterable<string>, knownTeams: readonly string[]): string[] {
  const known = new Set(knownTeams.map(teamKey));
  const fresh = new Map<string, string>();
  for (const text of texts) for (const name of splitTeamText(text)) if (!known.has(teamKey(name)) && !fresh.has(teamKey(name))) fresh.set(teamKey(name), name);
  return [...fresh.values()];
}

/**
 * A team text as it will be stored: each name spelled as its team is (`knownTeams`), or as the
 * texts first spell it for a team still to be created, in canonical order. For previews.
 */
export function spellTeamTexts(texts: readonly string[], knownTeams: readonly string[]): string[] {
  const spelling = new Map(knownTeams.map((name) => [teamKey(name), name]));
  for (const text of texts) for (const name of splitTeamText(text)) if (!spelling.has(teamKey(name))) spelling.set(teamKey(name), name);
  return texts.map((text) => canonicalTeamText(splitTeamText(text).map((name) => spelling.get(teamKey(name))!)));
}
