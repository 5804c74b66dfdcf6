/**
 * The change ticket a cutover runs under: set on the project, linked through its template, and
 * copied onto each run when it starts, so a run's record keeps the ticket it ran under.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeTicketUrl } from "@/lib/projects/model";
import { updateProjectInput } from "@/lib/projects/schemas";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { createProject, createTeam } from "./helpers/db-fixtures";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let exportsJson: typeof import("@/lib/exports/run-json");

beforeAll(async () => {
  db = await openTestDatabase("change-ticket");
  team = await createTeam(db.lib);
  exportsJson = await import("@/lib/exports/run-json");
});
afterAll(async () => db?.close());

const SNOW = "https://acme.service-now.com/change_request.do?sysparm_query=number={ticket}";

describe("the change link", () => {
  it("puts the URL-encoded ticket where {ticket} is, and is absent without a ticket or a template", () => {
    expect(changeTicketUrl({ changeTicket: "CHG0031337", changeLinkTemplate: SNOW })).toBe("https://acme.service-now.com/change_request.do?sysparm_query=number=CHG0031337");
    expect(changeTicketUrl({ changeTicket: "CHG 42&x=1", changeLinkTemplate: SNOW })).toBe("https://acme.service-now.com/change_request.do?sysparm_query=number=CHG%2042%26x%3D1");
    expect(changeTicketUrl({ changeTicket: "", changeLinkTemplate: SNOW })).toBeNull();
    expect(changeTicketUrl({ changeTicket: "CHG1", changeLinkTemplate: "" })).toBeNull();
  });

  it("refuses a template that isn't http(s) or has no {ticket}", () => {
    const problems = (changeLinkTemplate: string) => {
      const result = updateProjectInput.safeParse({ changeLinkTemplate });
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(problems("javascript:alert(1)//{ticket}")).toEqual(["The link template must start with https:// or http://."]);
    expect(problems("https://jira.example.test/browse/")).toEqual(["Put {ticket} where the ticket number goes."]);
    expect(problems("")).toEqual([]);
    expect(problems("https://jira.example.test/browse/{ticket}")).toEqual([]);
  });
});

describe("a run keeps the ticket it ran under", () => {
  it("copies the ticket and its link onto the run; the project's next ticket doesn't change the run's record or its JSON export", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Change ticket" });
    await db.lib.projects.updateProject({ actor: team.admin, projectId: project.id, input: updateProjectInput.parse({ changeTicket: "CHG0031337", changeLinkTemplate: SNOW, netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" }) });
    const stored = await db.lib.prisma.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(stored).toMatchObject({ changeTicket: "CHG0031337", netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" });
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId: project.id, action: "project.update" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(event.after)).toMatchObject({ changeTicket: "CHG0031337", netbackupVersion: "V10", platformPath: "CROSS_PLATFORM" });
    expect(JSON.parse(event.before)).toMatchObject({ changeTicket: "", netbackupVersion: "V8_1_TO_9", platformPath: "SAME_PLATFORM" });

    const run = await db.lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    await db.lib.projects.updateProject({ actor: team.admin, projectId: project.id, input: updateProjectInput.parse({ changeTicket: "CHG0099999" }) });

    const row = await db.lib.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row).toMatchObject({ changeTicket: "CHG0031337", changeUrl: "https://acme.service-now.com/change_request.do?sysparm_query=number=CHG0031337" });
    const board = await db.lib.runQueries.getRunBoard({ runId: run.id });
    expect(board.change).toEqual({ ticket: "CHG0031337", url: "https://acme.service-now.com/change_request.do?sysparm_query=number=CHG0031337" });
    const { json } = await exportsJson.buildRunJson({ runId: run.id, exportedBy: "Test" });
    expect(json.run).toMatchObject({ changeTicket: "CHG0031337" });
  });
});
