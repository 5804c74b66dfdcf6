/**
 * The template library against a real, migrated SQLite file: every mutation audited, built-ins
 * read-only, lost updates refused, and projects created from built-in, saved and imported plans.
 */
import { canonicalizeTeamText } from "@/lib/teams/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { caught, createProject, createTeam } from "./helpers/db-fixtures";
import { BUILT_IN_TEMPLATES } from "@/lib/templates/built-in";
import { runbookDocumentSchema } from "@/lib/templates/runbook-document";
import { fillHostPlaceholders } from "@/lib/templates/placeholders";
import { createProjectInput } from "@/lib/projects/schemas";

let db: TestDatabase;
let library: typeof import("@/lib/templates/service");
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("templates");
  library = await import("@/lib/templates/service");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

const generic = () => runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["generic-server-migration"]);
const events = (entityId: string) => db.lib.prisma.auditEvent.findMany({ where: { entityId, entityType: "template" }, orderBy: { seq: "asc" } });

function projectInput(template: string, extra: Record<string, unknown> = {}) {
  return createProjectInput.parse({
    name: `From ${template}`,
    sourceHost: "nbu-master1",
    targetHost: "nbu-master2",
    hostnameStrategy: "RENAME",
    timezone: "Europe/Berlin",
    windowStart: "2026-11-28T08:00:00Z",
    windowEnd: "2026-11-28T17:00:00Z",
    template,
    ...extra,
  });
}

describe("template library", () => {
  it("lists the built-ins first, with summaries", async () => {
    const list = await library.listTemplates();
    expect(list.slice(0, 4).map((t) => [t.id, t.builtIn])).toEqual([
      ["netbackup-keep-hostname", true],
      ["netbackup-rename-hostname", true],
      ["netbackup-media-server-move", true],
      ["generic-server-migration", true],
    ]);
    expect(list[0].summary).toMatchObject({ stepCount: 35, rollbackMinutes: 115 });
  });

  it("creates, edits, duplicates and deletes a template, one audit event each", async () => {
    const created = await library.createTemplate({ actor: team.admin, input: { name: "Our app move", description: "v1", document: generic() } });
    const stored = JSON.parse(created.body);
    expect(stored).toMatchObject({ format: "runsheet.runbook", name: "Our app move", description: "v1" });

    const doc = generic();
    doc.phases[0].steps[0].plannedMinutes = 90;
    const updated = await library.updateTemplate({ actor: team.admin, templateId: created.id, input: { name: "Our app move v2", document: doc, expectedUpdatedAt: created.updatedAt.toISOString() } });
    expect(updated.name).toBe("Our app move v2");
    const body = JSON.parse(updated.body);
    expect(body).toMatchObject({ name: "Our app move v2", description: "v1" });
    expect(body.phases[0].steps[0].plannedMinutes).toBe(90);

    // An editor still holding the first version can't overwrite the second.
    const stale = await caught(() => library.updateTemplate({ actor: team.admin, templateId: created.id, input: { description: "lost", expectedUpdatedAt: created.updatedAt.toISOString() } }));
    expect(stale.name).toBe("ConflictError");

    const copy = await library.duplicateTemplate({ actor: team.admin, templateId: created.id });
    expect(copy.name).toBe("Copy of Our app move v2");
    await library.deleteTemplate({ actor: team.admin, templateId: created.id });
    expect(await db.lib.prisma.template.findUnique({ where: { id: created.id } })).toBeNull();

    expect((await events(created.id)).map((e) => e.action)).toEqual(["template.create", "template.update", "template.delete"]);
    const [, update, remove] = await events(created.id);
    const [beforeUpdate, afterUpdate] = [JSON.parse(update.before), JSON.parse(update.after)];
    expect([beforeUpdate.name, beforeUpdate.document.phases[0].steps[0].plannedMinutes]).toEqual(["Our app move", 120]);
    expect([afterUpdate.name, afterUpdate.document.phases[0].steps[0].plannedMinutes]).toEqual(["Our app move v2", 90]);
    expect(JSON.parse(remove.after)).toBeNull();
    expect((await events(copy.id)).map((e) => [e.action, JSON.parse(e.after).duplicatedFrom])).toEqual([["template.duplicate", created.id]]);
  });

  it("duplicates a built-in, but never edits or deletes one", async () => {
    const copy = await library.duplicateTemplate({ actor: team.admin, templateId: "netbackup-rename-hostname" });
    expect(copy.name).toBe("Copy of NetBackup master/media server rehost, rename hostname");
    expect((await caught(() => library.deleteTemplate({ actor: team.admin, templateId: "netbackup-keep-hostname" }))).name).toBe("ForbiddenError");
    expect(
      (await caught(() => library.updateTemplate({ actor: team.admin, templateId: "netbackup-keep-hostname", input: { name: "x", expectedUpdatedAt: new Date().toISOString() } }))).name,
    ).toBe("ForbiddenError");
  });

  it("is for admins only", async () => {
    for (const actor of [team.operator, team.viewer]) {
      expect((await caught(() => library.createTemplate({ actor, input: { name: "x", description: "", document: generic() } }))).name).toBe("ForbiddenError");
      expect((await caught(() => library.duplicateTemplate({ actor, templateId: "generic-server-migration" }))).name).toBe("ForbiddenError");
    }
  });

  it("saves a project as a template (keys from numbering, predecessors mapped) and creates a project from it", async () => {
    const source = await createProject(db.lib, team.admin, { name: "Source project" });
    const template = await library.saveProjectAsTemplate({ actor: team.admin, projectId: source.id, input: { name: "From the source project", description: "" } });
    const document = runbookDocumentSchema.parse(JSON.parse(template.body));
    // The project filled its hosts into the template's placeholders when it was created.
    const original = fillHostPlaceholders(runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["netbackup-keep-hostname"]), { sourceHost: "nbu-old.example.test", targetHost: "nbu-new.example.test" });
    // The keep-hostname template is keyed by its numbers already, so the round trip is exact, but
    // for team sets, which the project holds in canonical order ("PM+BA" is saved as "BA+PM").
    expect(document.phases).toEqual(original.phases.map((p) => ({ ...p, steps: p.steps.map((s) => ({ ...s, team: canonicalizeTeamText(s.team) })) })));
    expect(original.phases.some((p) => p.steps.some((s) => s.team === "PM+BA"))).toBe(true);
    expect(JSON.stringify(document)).toContain("rsync -aH --numeric-ids --delete /usr/openv/ nbu-new.example.test:/usr/openv/");
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { entityId: template.id } });
    expect(event).toMatchObject({ action: "template.save_from_project", projectId: source.id });

    const project = await db.lib.projects.createProject({ actor: team.admin, input: projectInput(template.id) });
    expect(await db.lib.prisma.step.count({ where: { projectId: project.id } })).toBe(35);
    const created = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id, action: "project.create" } });
    expect(JSON.parse(created.after)).toMatchObject({ template: template.id, templateName: "From the source project" });
  });

  it("replaces a saved template's plan from a project (edit by saving back), never a built-in", async () => {
    const target = await library.createTemplate({ actor: team.admin, input: { name: "To be replaced", description: "old", document: generic() } });
    const source = await createProject(db.lib, team.admin, { name: "Shaped plan" });
    const replaced = await library.saveProjectAsTemplate({ actor: team.admin, projectId: source.id, input: { name: "Replaced", description: "new", replaceTemplateId: target.id } });
    expect(replaced.id).toBe(target.id);
    expect(runbookDocumentSchema.parse(JSON.parse(replaced.body)).phases.flatMap((p) => p.steps)).toHaveLength(35);
    const [, update] = await events(target.id);
    expect(update).toMatchObject({ action: "template.update", projectId: source.id });
    expect(JSON.parse(update.before)).toMatchObject({ name: "To be replaced", description: "old" });
    expect(JSON.parse(update.after)).toMatchObject({ name: "Replaced", description: "new", fromProject: { id: source.id } });
    const builtIn = await caught(() => library.saveProjectAsTemplate({ actor: team.admin, projectId: source.id, input: { name: "x", description: "", replaceTemplateId: "netbackup-keep-hostname" } }));
    expect(builtIn.name).toBe("ForbiddenError");
  });

  it("creates a project from the rename template with the project's hosts in the commands", async () => {
    const project = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("netbackup-rename-hostname") });
    const steps = await db.lib.prisma.step.findMany({ where: { projectId: project.id } });
    expect(steps.some((s) => s.commands.includes("nbemmcmd -renamehost -machinename nbu-master1 -machinetype master -newmachinename nbu-master2"))).toBe(true);
    expect(steps.find((s) => s.title === "Update bp.conf on every client")).toMatchObject({ isFleet: true, fleetAction: "UPDATE_BPCONF" });
  });

  it("creates a 10.x project moving to a different platform with the cross-platform steps: no copy of /usr/openv, a catalog recovery", async () => {
    const project = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("netbackup-keep-hostname", { netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" }) });
    expect(await db.lib.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).toMatchObject({ netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" });
    const steps = await db.lib.prisma.step.findMany({ where: { projectId: project.id }, orderBy: [{ phase: { position: "asc" } }, { position: "asc" }], include: { predecessors: { include: { predecessor: { select: { title: true } } } } } });
    const commands = steps.map((s) => s.commands).join("\n");
    expect(commands).not.toMatch(/tar cf|tar xpf|rsync -aH --numeric-ids --delete \/usr\/openv\//);
    const recovery = steps.find((s) => s.title === "Recover the catalog on the new server from the final catalog backup");
    expect(recovery?.commands).toContain("bprecover -wizard");
    expect(recovery?.commands).toContain("rsync -a <catalog-backup-directory>/ nbu-master2:<catalog-backup-directory>/");
    expect(recovery?.predecessors.map((p) => p.predecessor.title)).toEqual(["Stop NetBackup on the old server"]);
    expect(steps.find((s) => /^Install the same NetBackup version fresh/.test(s.title))?.details).toContain("**Disaster-recovery mode:**");
    // 10.x: the service user is checked beside the web service account, and the prose says "primary server".
    expect(commands).toContain("id <service-user>");
    expect(steps.map((s) => `${s.title}\n${s.details}`).join("\n")).not.toMatch(/\bmaster\b/);
    expect(steps).toHaveLength(35);
  });

  it("creates a project before 8.1 without certificate steps, and the default variant when the version is left out", async () => {
    const old = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("netbackup-rename-hostname", { netbackupVersion: "BEFORE_8_1", platformPath: "SAME_PLATFORM" }) });
    const oldSteps = await db.lib.prisma.step.findMany({ where: { projectId: old.id } });
    expect(oldSteps.map((s) => s.commands).join("\n")).not.toMatch(/nbcertcmd|nbhostidentity|\.drpkg/);
    expect(oldSteps.some((s) => /host certificates/.test(s.title))).toBe(false);

    const plain = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("netbackup-rename-hostname") });
    const plainSteps = await db.lib.prisma.step.findMany({ where: { projectId: plain.id } });
    expect(plainSteps).toHaveLength(runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["netbackup-rename-hostname"]).phases.flatMap((p) => p.steps).length);
    expect(oldSteps).toHaveLength(plainSteps.length - 1);
  });

  it("lists a preview per version family and platform path for the NetBackup built-ins", async () => {
    const list = await library.listTemplates();
    const keep = list.find((t) => t.id === "netbackup-keep-hostname")!;
    expect(Object.keys(keep.variants ?? {})).toHaveLength(6);
    expect(keep.variants!["V8_1_TO_9/SAME_PLATFORM"]).toEqual(keep.summary);
    expect(keep.variants!["V10/CROSS_PLATFORM"].description).toMatch(/fresh/);
    const rename = list.find((t) => t.id === "netbackup-rename-hostname")!;
    expect(rename.variants!["BEFORE_8_1/SAME_PLATFORM"].forwardStepCount).toBe(rename.summary!.forwardStepCount - 1);
    expect(list.find((t) => t.id === "generic-server-migration")!.variants).toBeUndefined();
  });

  it("imports a real run export (issue 5) as a new project and as a new template", async () => {
    const { buildRunJson } = await import("@/lib/exports/run-json");
    const { readRunbookFile } = await import("@/lib/templates/document-file");
    const source = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("netbackup-rename-hostname") });
    const run = await db.lib.runs.startRun({ actor: team.admin, projectId: source.id, input: { kind: "REHEARSAL", name: "" } });
    const { json } = await buildRunJson({ runId: run.id, exportedBy: team.admin.name });
    const file = readRunbookFile(JSON.stringify(json, null, 2));
    if (!file.ok) throw new Error(file.errors.join("\n"));
    expect(file).toMatchObject({ kind: "run-export", project: { sourceHost: "nbu-master1", targetHost: "nbu-master2" } });

    const project = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("import", { document: file.document }) });
    const titles = async (projectId: string) => (await db.lib.prisma.step.findMany({ where: { projectId }, orderBy: [{ phase: { position: "asc" } }, { position: "asc" }], select: { title: true } })).map((x) => x.title);
    expect(await titles(project.id)).toEqual(await titles(source.id));
    const preds = await db.lib.prisma.stepDependency.count({ where: { step: { projectId: project.id } } });
    expect(preds).toBe(await db.lib.prisma.stepDependency.count({ where: { step: { projectId: source.id } } }));

    const template = await library.createTemplate({ actor: team.admin, input: { name: "From an export", description: "", document: file.document } });
    expect(runbookDocumentSchema.parse(JSON.parse(template.body)).phases).toEqual(file.document.phases);
  });

  it("creates a project from an imported document, and refuses a bad one or a deleted template", async () => {
    const project = await db.lib.projects.createProject({ actor: team.admin, input: projectInput("import", { document: BUILT_IN_TEMPLATES["netbackup-media-server-move"] }) });
    expect(await db.lib.prisma.phase.count({ where: { projectId: project.id } })).toBe(5);

    const before = await db.lib.prisma.project.count();
    const bad = await caught(() => db.lib.projects.createProject({ actor: team.admin, input: projectInput("import", { document: { format: "runsheet.runbook", version: 1, name: "x", phases: [] } }) }));
    expect(bad.fieldErrors).toMatchObject({ "document.phases": [expect.any(String)] });
    const gone = await caught(() => db.lib.projects.createProject({ actor: team.admin, input: projectInput("cmissingtemplate000000000") }));
    expect(gone.fieldErrors).toEqual({ template: ["That template no longer exists."] });
    expect(await db.lib.prisma.project.count()).toBe(before);
  });
});
