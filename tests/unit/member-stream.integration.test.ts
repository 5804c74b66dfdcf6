/**
 * Removing someone from a project ends their open live stream of it at once (the removal is an
 * audit event on the project, which wakes the stream, which re-checks access); a member of
 * another project never gets one. In-process through the real route, on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

let db: TestDatabase;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  db = await openTestDatabase("member-stream", { projectVisibility: "members" });
  routes = await loadApiRoutes();
  team = await createTeam(db.lib);
}, 60_000);
afterAll(async () => db?.close());

describe("a member's live stream", () => {
  it("ends within a second of their removal from the project; a non-member gets 404", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Stream project" });
    const { addProjectMember, removeProjectMember } = await import("@/lib/projects/members");
    await addProjectMember({ actor: team.admin, projectId: project.id, input: { userId: team.operator.id, role: "OPERATOR" } });
    const events = routes.find((r) => r.pattern === "/api/projects/[projectId]/events")!;

    const outsider = await signIn(routes, { email: "otto@example.test", password: PASSWORD });
    expect((await callRoute(events, "GET", { projectId: project.id }, { cookie: outsider })).status).toBe(404);

    const cookie = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
    const abort = new AbortController();
    const response = await callRoute(events, "GET", { projectId: project.id }, { cookie, signal: abort.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("event: presence")) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error("the stream ended before it started");
      received += decoder.decode(chunk.value);
    }

    const removedAt = Date.now();
    await removeProjectMember({ actor: team.admin, projectId: project.id, userId: team.operator.id });
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
    }
    expect(Date.now() - removedAt).toBeLessThan(1000);
    abort.abort();
    expect(await db.lib.prisma.projectMember.count({ where: { projectId: project.id, userId: team.operator.id } })).toBe(0);
  });
});
