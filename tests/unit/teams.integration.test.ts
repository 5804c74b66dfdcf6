/**
 * People and teams, through the real route handlers on a real SQLite file that shows projects to
 * their members only: a step can be assigned only to someone who can act on it in its project
 * (each write path refuses a viewer-member with a 400 naming them, and changes nothing), the
 * pickers' query offers only those people, and teams are records: a set of teams has one text
 * ("OS+BA" is "BA+OS"), and create, rename and merge are audited, rewrite the plans and leave an
 * ended run's frozen team text alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { canonicalizeTeamText, canonicalTeamText, splitTeamText } from "@/lib/teams/model";
import { createProject, createTeam as createPeople } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

const PASSWORD = "correct horse battery";
let db: TestDatabase;
let lib: Lib;
let routes: ApiRoute[];
let people: Awaited<ReturnType<typeof createPeople>>;
let cookie: string;
let teams: typeof import("@/lib/teams/service");
let teamQueries: typeof import("@/lib/teams/queries");
let assignees: typeof import("@/lib/projects/assignees");
let members: typeof import("@/lib/projects/members");
let checkView: typeof import("@/lib/plan/check-view");
/** Installation operators: one an operator-member, one a viewer-member, one no member, one deactivated member. */
let oscar: { id: string; name: string };
let vera2: { id: string; name: string };
let nadia: { id: string; name: string };
let dennis: { id: string; name: string };

beforeAll(async () => {
  db = await openTestDatabase("teams", { projectVisibility: "members" });
  lib = db.lib;
  routes = await loadApiRoutes();
  people = await createPeople(lib);
  teams = await import("@/lib/teams/service");
  teamQueries = await import("@/lib/teams/queries");
  assignees = await import("@/lib/projects/assignees");
  members = await import("@/lib/projects/members");
  checkView = await import("@/lib/plan/check-view");
  const make = (name: string, email: string) => lib.users.createUser({ actor: people.admin, input: { name, email, password: PASSWORD, role: "OPERATOR" } });
  oscar = await make("Oscar Member", "oscar@example.test");
  vera2 = await make("Valerie Viewer", "valerie@example.test");
  nadia = await make("Nadia Nomember", "nadia@example.test");
  dennis = await make("Dennis Deactivated", "dennis@example.test");
  cookie = await signIn(routes, { email: "ada@example.test", password: PASSWORD });
}, 60_000);
afterAll(async () => db?.close());

const route = (pattern: string) => routes.find((r) => r.pattern === pattern)!;
async function call(method: "GET" | "POST" | "PATCH" | "DELETE", pattern: string, params: Record<string, string>, body: unknown) {
  const response = await callRoute(route(pattern), method, params, { cookie, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** A project with one phase and two steps, Oscar an operator-member, Vera a viewer-member, Dennis a member then deactivated. */
async function project(name: string) {
  const p = await createProject(lib, people.admin, { name, template: "empty" });
  for (const [user, role] of [[oscar, "OPERATOR"], [vera2, "VIEWER"], [dennis, "OPERATOR"]] as const) await members.addProjectMember({ actor: people.admin, projectId: p.id, input: { userId: user.id, role } });
  const phase = await lib.plan.addPhase({ actor: people.admin, projectId: p.id, input: phaseInput.parse({ title: "Cutover" }) });
  const a = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Stop the daemons", kind: "TASK", plannedMinutes: 10, team: "OS" }) });
  const b = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Copy the catalog", kind: "TASK", plannedMinutes: 60, team: "BA", predecessorIds: [a.id] }) });
  return { project: p, phase, a, b };
}

/** Everything a refused write could have touched. */
async function state(projectId: string) {
  const steps = await lib.prisma.step.findMany({ where: { projectId }, orderBy: { id: "asc" }, omit: { createdAt: true, updatedAt: true } });
  return { steps, audit: await lib.prisma.auditEvent.count(), versions: await lib.prisma.planVersion.count({ where: { projectId } }), teams: await lib.prisma.team.count() };
}

describe("who a step can be assigned to", () => {
  it("the pickers' query offers operators and admins of the project only: no viewer-member, no one without access, no one deactivated", async () => {
    const { project: p } = await project("Picker query");
    await lib.users.updateUser({ actor: people.admin, userId: dennis.id, input: { active: false } });
    try {
      const names = (await assignees.listAssignableUsersForProject({ projectId: p.id })).map((u) => u.name);
      expect(names).toContain("Oscar Member");
      expect(names).toContain("Ada Admin");
      expect(names).not.toContain("Valerie Viewer");
      expect(names).not.toContain("Nadia Nomember");
      expect(names).not.toContain("Dennis Deactivated");
      // The installation viewer isn't a member either; installation operators who aren't members can't see the project.
      expect(names).not.toContain(people.viewer.name);
      expect(names).not.toContain(people.operator.name);
    } finally {
      await lib.users.updateUser({ actor: people.admin, userId: dennis.id, input: { active: true } });
    }
  });

  it("refuses a viewer-member on step create and update with a 400 naming them, and changes nothing", async () => {
    const { project: p, phase, a } = await project("Assign on create");
    const before = await state(p.id);
    const created = await call("POST", "/api/projects/[projectId]/steps", { projectId: p.id }, { phaseId: phase.id, title: "Check", kind: "TASK", plannedMinutes: 5, assigneeId: vera2.id, predecessorIds: [] });
    expect(created.status).toBe(400);
    expect(created.json.error.message).toBe("Valerie Viewer is a viewer in this project and can't tick steps.");
    expect(created.json.error.fieldErrors.assigneeId).toEqual(["Valerie Viewer is a viewer in this project and can't tick steps."]);
    const updated = await call("PATCH", "/api/steps/[stepId]", { stepId: a.id }, { assigneeId: nadia.id });
    expect(updated.status).toBe(400);
    expect(updated.json.error.message).toBe("Nadia Nomember has no access to this project; add them as an operator under Members first.");
    expect(await state(p.id)).toEqual(before);
    const ok = await call("PATCH", "/api/steps/[stepId]", { stepId: a.id }, { assigneeId: oscar.id });
    expect(ok.status).toBe(200);
    expect((await lib.prisma.step.findUniqueOrThrow({ where: { id: a.id } })).assigneeId).toBe(oscar.id);
  });

  it("refuses a viewer-member on the sheet's bulk assign and on a paste, and changes nothing", async () => {
    const { project: p, phase, a, b } = await project("Assign in bulk");
    const before = await state(p.id);
    const bulk = await call("POST", "/api/projects/[projectId]/steps/bulk", { projectId: p.id }, { steps: [{ id: a.id, version: a.version }, { id: b.id, version: b.version }], change: { kind: "assign", assigneeId: vera2.id } });
    expect(bulk.status).toBe(400);
    expect(bulk.json.error.message).toBe("Valerie Viewer is a viewer in this project and can't tick steps.");
    const paste = await call("POST", "/api/projects/[projectId]/steps/paste", { projectId: p.id }, { text: "Ping the bridge\tNW\tValerie Viewer\t5\n", phaseId: phase.id, beforeStepId: null });
    expect(paste.status).toBe(400);
    expect(paste.json.error.message).toContain("Valerie Viewer is a viewer in this project and can't tick steps.");
    expect(await state(p.id)).toEqual(before);
  });

  it("imports a row owned by a viewer-member unassigned, with a warning, the owner kept as text", async () => {
    const { project: p } = await project("Assign on import");
    const csv = "Task,Owner,Duration\nCheck the bridge,Valerie Viewer,5\nCopy the ledger,Oscar Member,30\n";
    const preview = await call("POST", "/api/projects/[projectId]/import", { projectId: p.id }, { fileName: "plan.csv", csv, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.json.steps[0].warnings.join(" ")).toContain("Valerie Viewer is a viewer in this project and can't tick steps: not assigned; kept as owner text.");
    const imported = await call("POST", "/api/projects/[projectId]/import", { projectId: p.id }, { fileName: "plan.csv", csv });
    expect(imported.status).toBe(200);
    const check = await lib.prisma.step.findFirstOrThrow({ where: { projectId: p.id, title: "Check the bridge" } });
    expect(check.assigneeId).toBeNull();
    expect(check.details).toContain("Owner in the imported plan: Valerie Viewer");
    // A person is not made a team.
    expect(check.team).toBe("");
    expect((await lib.prisma.step.findFirstOrThrow({ where: { projectId: p.id, title: "Copy the ledger" } })).assigneeId).toBe(oscar.id);
  });

  it("keeps an assignment whose person became a viewer-member, and the plan check reports it", async () => {
    const { project: p, a } = await project("Role drops");
    await lib.plan.updateStep({ actor: people.admin, stepId: a.id, input: { assigneeId: oscar.id } });
    await members.updateProjectMember({ actor: people.admin, projectId: p.id, userId: oscar.id, input: { role: "VIEWER" } });
    expect((await lib.prisma.step.findUniqueOrThrow({ where: { id: a.id } })).assigneeId).toBe(oscar.id);
    const check = await checkView.checkProjectPlan({ projectId: p.id });
    expect(JSON.stringify(check)).toContain("Oscar Member (viewer)");
    // Another edit of the step still saves: only a change of assignee is checked.
    const edit = await call("PATCH", "/api/steps/[stepId]", { stepId: a.id }, { title: "Stop the daemons (all)", assigneeId: oscar.id });
    expect(edit.status).toBe(200);
  });
});

describe("teams as records", () => {
  it("one set, one text: OS+BA is BA+OS", () => {
    expect(canonicalizeTeamText("OS+BA")).toBe("BA+OS");
    expect(canonicalizeTeamText(" os + BA ")).toBe("BA+os");
    expect(canonicalTeamText(["PM", "BA", "pm"])).toBe("BA+PM");
    expect(splitTeamText("BA++OS+ba")).toEqual(["BA", "OS"]);
  });

  it("stores OS+BA and BA+OS as the same set of the same teams, spelled as the teams are", async () => {
    const { project: p, phase } = await project("Canonical");
    const one = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "One", kind: "TASK", plannedMinutes: 5, team: "os+ba" }) });
    const two = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Two", kind: "TASK", plannedMinutes: 5, team: "BA + OS" }) });
    const read = async (id: string) => lib.prisma.step.findUniqueOrThrow({ where: { id }, select: { team: true, teams: { select: { team: { select: { name: true } } } } } });
    expect((await read(one.id)).team).toBe("BA+OS");
    expect((await read(two.id)).team).toBe("BA+OS");
    expect((await read(one.id)).teams.map((t) => t.team.name).sort()).toEqual(["BA", "OS"]);
    expect(await lib.prisma.team.count({ where: { key: { in: ["ba", "os"] } } })).toBe(2);
    const bulk = await call("POST", "/api/projects/[projectId]/steps/bulk", { projectId: p.id }, { steps: [{ id: one.id, version: 1 }], change: { kind: "team", team: "NW+OS" } });
    expect(bulk.status).toBe(200);
    expect(await read(one.id)).toMatchObject({ team: "NW+OS" });
    expect((await read(one.id)).teams.map((t) => t.team.name).sort()).toEqual(["NW", "OS"]);
  });

  it("creates, renames and merges teams, audited; the plans show it, an ended run keeps its frozen text", async () => {
    const created = await call("POST", "/api/teams", {}, { name: "Backup admins", description: "NetBackup" });
    expect(created.json).toMatchObject({ name: "Backup admins" });
    const dup = await call("POST", "/api/teams", {}, { name: "backup ADMINS" });
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toBe('There is already a team called "Backup admins".');
    const plus = await call("POST", "/api/teams", {}, { name: "BA+OS" });
    expect(plus.status).toBe(400);

    const { project: p, phase } = await project("Merge");
    const mixed = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Both", kind: "TASK", plannedMinutes: 5, team: "Backup+Storage" }) });
    const backupOnly = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Backup only", kind: "TASK", plannedMinutes: 5, team: "Backup" }) });
    const already = await lib.plan.addStep({ actor: people.admin, projectId: p.id, input: createStepInput.parse({ phaseId: phase.id, title: "Both already", kind: "TASK", plannedMinutes: 5, team: "Backup+Backup admins" }) });
    // A rehearsal run that ends: its record keeps the texts it froze.
    const run = await lib.runs.startRun({ actor: people.admin, projectId: p.id, input: { kind: "REHEARSAL", name: "Rehearsal 1" } });
    await lib.runs.endRunByHand({ actor: people.admin, runId: run.id, how: "end", input: { reason: "Done for tonight" } });
    const frozen = async () => (await lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { title: "asc" }, select: { title: true, team: true } })).map((s) => `${s.title}: ${s.team}`);
    const frozenBefore = await frozen();
    expect(frozenBefore).toContain("Both: Backup+Storage");

    const backup = await lib.prisma.team.findUniqueOrThrow({ where: { key: "backup" } });
    const versionsBefore = await lib.prisma.planVersion.count({ where: { projectId: p.id } });
    const merged = await call("POST", "/api/teams/[teamId]/merge", { teamId: backup.id }, { intoTeamId: created.json.id });
    expect(merged.json).toMatchObject({ name: "Backup admins", movedSteps: 3 });
    expect(await lib.prisma.team.findUnique({ where: { id: backup.id } })).toBeNull();
    const text = async (id: string) => (await lib.prisma.step.findUniqueOrThrow({ where: { id } })).team;
    expect(await text(mixed.id)).toBe("Backup admins+Storage");
    expect(await text(backupOnly.id)).toBe("Backup admins");
    expect(await text(already.id)).toBe("Backup admins");
    expect(await lib.prisma.stepTeam.count({ where: { stepId: already.id } })).toBe(1);
    expect(await lib.prisma.planVersion.count({ where: { projectId: p.id } })).toBe(versionsBefore + 1);
    const mergeEvent = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "team.merge", entityId: backup.id } });
    expect(JSON.parse(mergeEvent.after)).toMatchObject({ mergedInto: { id: created.json.id, name: "Backup admins" }, projectIds: [p.id] });

    // "BA" is another team's name already: merge, not rename, makes them one.
    expect((await call("PATCH", "/api/teams/[teamId]", { teamId: created.json.id }, { name: "ba" })).status).toBe(400);
    const renamed = await call("PATCH", "/api/teams/[teamId]", { teamId: created.json.id }, { name: "Backup" });
    expect(renamed.status).toBe(200);
    expect(await text(mixed.id)).toBe("Backup+Storage");
    const renameEvent = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "team.update", entityId: created.json.id } });
    expect(JSON.parse(renameEvent.before)).toMatchObject({ name: "Backup admins" });
    expect(JSON.parse(renameEvent.after)).toMatchObject({ name: "Backup" });
    expect(await lib.prisma.auditEvent.count({ where: { action: "team.create", entityId: created.json.id } })).toBe(1);

    expect(await frozen()).toEqual(frozenBefore);
    const listed = (await teamQueries.listTeams()).find((t) => t.id === created.json.id)!;
    expect(listed).toMatchObject({ name: "Backup", stepCount: 3, projectCount: 1 });
  });

  it("refuses a rename onto another team's name, pointing at merge, and changes nothing", async () => {
    const a = await teams.createTeam({ actor: people.admin, input: { name: "Rename A" } });
    await teams.createTeam({ actor: people.admin, input: { name: "Rename B" } });
    const before = await lib.prisma.auditEvent.count();
    const response = await call("PATCH", "/api/teams/[teamId]", { teamId: a.id }, { name: "rename b" });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('merge "Rename A" into it');
    expect((await lib.prisma.team.findUniqueOrThrow({ where: { id: a.id } })).name).toBe("Rename A");
    expect(await lib.prisma.auditEvent.count()).toBe(before);
  });

  it("maps a template's team strings to the set (PM+BA → BA+PM) and an import's unknown names to new teams, said in the preview", async () => {
    const p = await createProject(lib, people.admin, { name: "From the template" });
    const texts = new Set((await lib.prisma.step.findMany({ where: { projectId: p.id }, select: { team: true } })).map((s) => s.team));
    expect(texts.has("BA+PM")).toBe(true);
    expect(texts.has("PM+BA")).toBe(false);
    const linked = await lib.prisma.step.findMany({ where: { projectId: p.id, team: { not: "" } }, select: { team: true, teams: { select: { team: { select: { name: true } } } } } });
    for (const step of linked) expect(canonicalTeamText(step.teams.map((t) => t.team.name))).toBe(step.team);

    const csv = "Task,Team,Duration\nRepoint DNS,Network+OS,10\nCheck,os+network,5\n";
    const preview = await call("POST", "/api/projects/[projectId]/import", { projectId: p.id }, { fileName: "net.csv", csv, dryRun: true });
    expect(preview.json.newTeams).toEqual(["Network"]);
    expect(preview.json.warnings.map((w: { message: string }) => w.message)).toContain("New team: Network (created when you import).");
    expect(preview.json.steps.map((s: { team: string }) => s.team)).toEqual(["Network+OS", "Network+OS"]);
    const imported = await call("POST", "/api/projects/[projectId]/import", { projectId: p.id }, { fileName: "net.csv", csv });
    expect(imported.json.createdTeams).toEqual(["Network"]);
    const steps = await lib.prisma.step.findMany({ where: { projectId: p.id, title: { in: ["Repoint DNS", "Check"] } }, select: { team: true } });
    expect(steps.map((s) => s.team)).toEqual(["Network+OS", "Network+OS"]);
  });
});
