/**
 * Issue 12 item 9 against the real server: the body cap answers before a huge upload is sent, a
 * page the role can't open answers 403 and an unknown one 404, and unsafe requests need the
 * page's own Origin. (Validation itself is covered in tests/unit/input-hardening.integration.test.ts
 * and fuzzed in tests/unit/routes-fuzz.integration.test.ts.)
 */
import http from "node:http";
import { BASE_URL, expect, test, uniqueName } from "./fixtures";

/**
 * Streams up to `totalBytes` of a chunked POST body and stops as soon as the response arrives:
 * the status and how much had been sent by then.
 */
function streamUntilAnswered(path: string, totalBytes: number, headers: Record<string, string> = {}): Promise<{ status: number; sentBytes: number; body: string }> {
  const url = new URL(path, BASE_URL);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", origin: BASE_URL, ...headers } }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, sentBytes, body: Buffer.concat(parts).toString("utf8") });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

test.describe("input hardening", () => {
  test("a signed-out 100 MB POST to /api/setup is answered 413 long before it is sent", async () => {
    const chunked = await streamUntilAnswered("/api/setup", 100 * 1024 * 1024);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe("too_large");
    expect(chunked.sentBytes).toBeLessThan(20 * 1024 * 1024);

    const declared = await streamUntilAnswered("/api/setup", 100 * 1024 * 1024, { "content-length": String(100 * 1024 * 1024) });
    expect(declared.status).toBe(413);
    expect(declared.sentBytes).toBeLessThan(20 * 1024 * 1024);
  });

  test("pages a role may not open answer 403 with a clear page; unknown ones 404", async ({ page, loginAs, createProject, adminApi }) => {
    // Its own, uniquely named template: a copy of a built-in one would share its name with other tests' lookups.
    const templateName = uniqueName("Forbidden page template");
    const template = await adminApi.post<{ id: string }>("/api/templates", {
      name: templateName,
      description: "",
      document: { format: "runsheet.runbook", version: 1, name: templateName, phases: [{ title: "Only phase", steps: [{ key: "1", title: "Only step", plannedMinutes: 5 }] }] },
    });
    expect(template.status).toBe(200);
    const project = await createProject({ template: "empty" });

    await loginAs(page, "OPERATOR");
    const users = await page.goto("/admin/users");
    expect(users?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "Not for your role" })).toBeVisible();
    expect((await page.goto(`/projects/${project.id}/settings`))?.status()).toBe(403);

    await page.context().clearCookies();
    await loginAs(page, "VIEWER");
    expect((await page.goto(`/templates/${template.body.id}`))?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "Not for your role" })).toBeVisible();

    const missing = await page.goto("/projects/no-such-project");
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    expect((await page.goto(`/projects/${project.id}`))?.status()).toBe(200);
  });

  test("unsafe requests need the page's own Origin: none, another host or another scheme get 403 and change nothing", async ({ db, apiAs }) => {
    const admin = await apiAs("ADMIN");
    const name = uniqueName("Origin check");
    const body = {
      name,
      sourceHost: "old.example.test",
      targetHost: "new.example.test",
      hostnameStrategy: "KEEP",
      timezone: "Europe/Berlin",
      windowStart: "2030-03-02T20:00:00.000Z",
      windowEnd: "2030-03-03T04:00:00.000Z",
      template: "empty",
    };
    const send = (headers: Record<string, string>) => admin.request.post(`${BASE_URL}/api/projects`, { data: body, headers });
    const https = BASE_URL.replace(/^http:/, "https:");
    for (const headers of <Record<string, string>[]>[{}, { origin: "http://evil.example" }, { origin: https }, { origin: "http://evil.example", "x-forwarded-host": "evil.example" }]) {
      const response = await send(headers);
      expect(response.status(), JSON.stringify(headers)).toBe(403);
    }
    expect(db.prepare(`SELECT count(*) AS n FROM project WHERE name = ?`).get(name)).toEqual({ n: 0 });
    expect((await send({ origin: BASE_URL })).status()).toBe(200);
    expect(db.prepare(`SELECT count(*) AS n FROM project WHERE name = ?`).get(name)).toEqual({ n: 1 });
  });

  test("a viewer gets 403, not a 400 describing the fields", async ({ apiAs }) => {
    const viewer = await apiAs("VIEWER");
    const response = await viewer.post("/api/projects", { plannedMinutes: true, windowStart: "0000-01-01" });
    expect(response.status).toBe(403);
    expect(response.body.error).toEqual({ code: "forbidden", message: "Only admins can create projects.", fieldErrors: {} });
  });
});

