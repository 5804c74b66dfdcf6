import "server-only";
import { appendAuditEvent } from "../audit/service";
import { canManageTeams, type ActingUser } from "../platform/auth/permissions";
import { type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { recordPlanVersion } from "../plan/versions";
import { canonicalTeamText, cleanTeamName, splitTeamText, teamKey, teamNameProblem } from "./model";

/*
 * Teams are records; a step's teams are a set (step_team) and step.team is that set's canonical
 * text, kept next to it because runs freeze the text, exports print it and the sheet sorts by it.
 * Every write of a step's team goes through resolveTeamText + linkStepTeams, so the two never
 * disagree. A rename or merge rewrites the texts of plan steps (and records a plan version for
 * each project it touched), never a run's: step_run has its own frozen copy.
 */

function requireTeamManager(actor: ActingUser) {
  if (!canManageTeams(actor)) throw new ForbiddenError("Only admins can manage teams.");
}

function checkedName(name: string, field = "name"): string {
  const problem = teamNameProblem(name);
  if (problem) throw new ValidationError(problem, { [field]: [problem] });
  return cleanTeamName(name);
}

async function insertTeam(tx: Tx, options: { actor: ActingUser | null; name: string; description?: string; via: string; projectId?: string | null; audit?: boolean }) {
  const team = await tx.team.create({ data: { name: options.name, key: teamKey(options.name), description: options.description ?? "" } });
  if (options.audit === false) return team;
  await appendAuditEvent(tx, {
    actor: options.actor,
    projectId: options.projectId ?? null,
    action: "team.create",
    entityType: "team",
    entityId: team.id,
    before: null,
    after: { name: team.name, description: team.description, via: options.via },
  });
  return team;
}

/**
 * A team text ("OS + BA", "ba") as the set it names: the canonical text with the teams' own
 * spelling ("BA+OS") and their ids. Names that are no team yet become teams when `create` allows
 * it; otherwise they are a 400 naming them. A created team gets a `team.create` event saying where
 * from (`via`), unless `audit` is false: then the caller's own event lists `created`, so a sheet
 * edit stays one request, one audit event.
 */
export async function resolveTeamText(
  tx: Tx,
  options: { text: string; actor: ActingUser | null; create: boolean; via: string; projectId?: string | null; field?: string; audit?: boolean },
): Promise<{ text: string; teamIds: string[]; created: string[] }> {
  const names = splitTeamText(options.text);
  if (names.length === 0) return { text: "", teamIds: [], created: [] };
  for (const name of names) checkedName(name, options.field ?? "team");
  const existing = await tx.team.findMany({ where: { key: { in: names.map(teamKey) } }, select: { id: true, name: true, key: true } });
  const byKey = new Map(existing.map((t) => [t.key, t]));
  const missing = names.filter((n) => !byKey.has(teamKey(n)));
  if (missing.length > 0 && !options.create) {
    const message = `No team is called ${missing.map((n) => `"${n}"`).join(" or ")}. Pick teams from the list, or create ${missing.length === 1 ? "it" : "them"} first.`;
    throw new ValidationError(message, { [options.field ?? "team"]: [message] });
  }
  const created: string[] = [];
  for (const name of missing) {
    const team = await insertTeam(tx, { actor: options.actor, name, via: options.via, projectId: options.projectId, audit: options.audit });
    byKey.set(team.key, team);
    created.push(team.name);
  }
  const teams = names.map((n) => byKey.get(teamKey(n))!);
  return { text: canonicalTeamText(teams.map((t) => t.name)), teamIds: teams.map((t) => t.id), created };
}

/** Replaces the team links of these steps with `teamIds` (the same set for all of them). */
export async function linkStepTeams(tx: Tx, options: { stepIds: readonly string[]; teamIds: readonly string[] }) {
  if (options.stepIds.length === 0) return;
  await tx.stepTeam.deleteMany({ where: { stepId: { in: [...options.stepIds] } } });
  if (options.teamIds.length > 0) {
    await tx.stepTeam.createMany({ data: options.stepIds.flatMap((stepId) => options.teamIds.map((teamId) => ({ stepId, teamId }))) });
  }
}

/**
 * For steps written with a free team text (templates, imports, pastes, an undo): each text
 * resolved (unknown names become teams), the canonical text written back and the links set.
 * Returns the names of the teams it created.
 */
export async function settleStepTeams(tx: Tx, options: { stepIds: readonly string[]; actor: ActingUser | null; via: string; projectId?: string | null; audit?: boolean }): Promise<string[]> {
  const steps = await tx.step.findMany({ where: { id: { in: [...options.stepIds] } }, select: { id: true, team: true } });
  const byText = new Map<string, string[]>();
  for (const step of steps) byText.set(step.team, [...(byText.get(step.team) ?? []), step.id]);
  const created: string[] = [];
  for (const [text, ids] of byText) {
    const resolved = await resolveTeamText(tx, { text, actor: options.actor, create: true, via: options.via, projectId: options.projectId, audit: options.audit });
    created.push(...resolved.created);
    if (resolved.text !== text) await tx.step.updateMany({ where: { id: { in: ids } }, data: { team: resolved.text } });
    await linkStepTeams(tx, { stepIds: ids, teamIds: resolved.teamIds });
  }
  return created;
}

/** Rewrites the texts of these steps from their links (after a rename or merge) and records a plan version per project. */
async function rewriteStepTexts(tx: Tx, options: { stepIds: readonly string[]; actor: ActingUser; summary: string }) {
  const steps = await tx.step.findMany({
    where: { id: { in: [...options.stepIds] } },
    select: { id: true, projectId: true, team: true, teams: { select: { team: { select: { name: true } } } } },
  });
  const projects = new Set<string>();
  for (const step of steps) {
    const text = canonicalTeamText(step.teams.map((t) => t.team.name));
    if (text === step.team) continue;
    await tx.step.update({ where: { id: step.id }, data: { team: text, version: { increment: 1 } } });
    projects.add(step.projectId);
  }
  for (const projectId of projects) await recordPlanVersion(tx, { projectId, actor: options.actor, summary: options.summary });
  return [...projects];
}

export async function createTeam(options: { actor: ActingUser; input: { name: string; description?: string } }) {
  requireTeamManager(options.actor);
  const name = checkedName(options.input.name);
  return runTransaction(async (tx) => {
    const clash = await tx.team.findUnique({ where: { key: teamKey(name) }, select: { name: true } });
    if (clash) throw new ValidationError(`There is already a team called "${clash.name}".`, { name: [`There is already a team called "${clash.name}".`] });
    const team = await insertTeam(tx, { actor: options.actor, name, description: options.input.description?.trim() ?? "", via: "teams" });
    return { id: team.id, name: team.name, description: team.description };
  });
}

/** A new name (and description): the plan steps of the team show it; runs keep the name they froze. */
export async function updateTeam(options: { actor: ActingUser; teamId: string; input: { name?: string; description?: string } }) {
  requireTeamManager(options.actor);
  const name = options.input.name === undefined ? undefined : checkedName(options.input.name);
  return runTransaction(async (tx) => {
    const before = await tx.team.findUnique({ where: { id: options.teamId }, include: { steps: { select: { stepId: true } } } });
    if (!before) throw new NotFoundError("Team");
    if (name !== undefined && teamKey(name) !== before.key) {
      const clash = await tx.team.findUnique({ where: { key: teamKey(name) }, select: { name: true } });
      if (clash) {
        const message = `There is already a team called "${clash.name}". To make them one team, merge "${before.name}" into it.`;
        throw new ValidationError(message, { name: [message] });
      }
    }
    const after = await tx.team.update({
      where: { id: before.id },
      data: { ...(name !== undefined ? { name, key: teamKey(name) } : {}), ...(options.input.description !== undefined ? { description: options.input.description.trim() } : {}) },
    });
    const projectIds = after.name === before.name ? [] : await rewriteStepTexts(tx, { stepIds: before.steps.map((s) => s.stepId), actor: options.actor, summary: `Team "${before.name}" renamed to "${after.name}"` });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: null,
      action: "team.update",
      entityType: "team",
      entityId: before.id,
      before: { name: before.name, description: before.description },
      after: { name: after.name, description: after.description, stepCount: before.steps.length, projectIds },
    });
    return { id: after.id, name: after.name, description: after.description };
  });
}

/** Merges a duplicate into another team: the duplicate's steps get the other team (once), and the duplicate is deleted. */
export async function mergeTeams(options: { actor: ActingUser; teamId: string; input: { intoTeamId: string } }) {
  requireTeamManager(options.actor);
  return runTransaction(async (tx) => {
    if (options.teamId === options.input.intoTeamId) throw new ValidationError("Choose another team to merge into.", { intoTeamId: ["Choose another team to merge into."] });
    const from = await tx.team.findUnique({ where: { id: options.teamId }, include: { steps: { select: { stepId: true } } } });
    if (!from) throw new NotFoundError("Team");
    const into = await tx.team.findUnique({ where: { id: options.input.intoTeamId }, select: { id: true, name: true } });
    if (!into) throw new ValidationError("The team to merge into doesn't exist (any more).", { intoTeamId: ["Unknown team."] });
    const stepIds = from.steps.map((s) => s.stepId);
    const already = new Set((await tx.stepTeam.findMany({ where: { teamId: into.id, stepId: { in: stepIds } }, select: { stepId: true } })).map((s) => s.stepId));
    const moving = stepIds.filter((id) => !already.has(id));
    await tx.stepTeam.deleteMany({ where: { teamId: from.id } });
    if (moving.length > 0) await tx.stepTeam.createMany({ data: moving.map((stepId) => ({ stepId, teamId: into.id })) });
    await tx.team.delete({ where: { id: from.id } });
    const projectIds = await rewriteStepTexts(tx, { stepIds, actor: options.actor, summary: `Team "${from.name}" merged into "${into.name}"` });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: null,
      action: "team.merge",
      entityType: "team",
      entityId: from.id,
      before: { name: from.name, description: from.description, stepCount: stepIds.length },
      after: { mergedInto: { id: into.id, name: into.name }, stepIds, projectIds },
    });
    return { id: into.id, name: into.name, movedSteps: stepIds.length };
  });
}
