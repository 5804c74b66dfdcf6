import http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIResponse, Page, Response } from "@playwright/test";
import { BASE_URL, expect, RunBoard, stepRunRow, test, auditCount, newContext } from "./fixtures";

/**
 * Security headers (issue #12): the app can't be framed by another origin (a click through a
 * transparent frame used to start a step), every page runs under a nonce-based Content Security
 * Policy without a single violation, every kind of response carries the headers, and a step's
 * Markdown never loads an image from another host.
 */

/** A tiny server on another loopback port: another origin (same site) the browser can visit. */
async function startOtherOrigin(handler: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? "");
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The nonce of a page's Content-Security-Policy (script-src 'nonce-…'). */
function nonceOf(csp: string | undefined): string {
  const match = /script-src[^;]*'nonce-([^']+)'/.exec(csp ?? "");
  expect(match, `a script nonce in the CSP: ${csp}`).not.toBeNull();
  return match![1];
}

const CSP_VIOLATIONS = "__cspViolations";

/** Records every CSP violation the page reports (the DOM event) and logs (the console), from the first script on. */
async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  page.on("console", (message) => {
    if (/Content[ -]Security[ -]Policy/i.test(message.text())) logged.push(`${page.url()}: ${message.text()}`);
  });
  await page.addInitScript((key) => {
    const list: string[] = [];
    (window as unknown as Record<string, string[]>)[key] = list;
    document.addEventListener("securitypolicyviolation", (event) => list.push(`${location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`));
  }, CSP_VIOLATIONS);
  return async () => [...logged, ...(await page.evaluate((key) => (window as unknown as Record<string, string[]>)[key] ?? [], CSP_VIOLATIONS))];
}

/** Every <script> in the server's HTML carries this response's nonce (Next's own inline scripts included). */
async function expectScriptsCarryNonce(response: Response | APIResponse | null) {
  expect(response, "a document response").not.toBeNull();
  const nonce = nonceOf(response!.headers()["content-security-policy"]);
  const html = await response!.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, "every script tag has the page's nonce").toContain(`nonce="${nonce}"`);
}

const COMMON_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

function expectSecurityHeaders(headers: Record<string, string>, what: string) {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) expect(headers[name], `${name} on ${what}`).toBe(value);
  expect(headers["permissions-policy"], `permissions-policy on ${what}`).toContain("camera=()");
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `CSP on ${what}`).toContain("frame-ancestors 'none'");
  expect(csp, `CSP on ${what}`).toContain("object-src 'none'");
  // Plain HTTP on a LAN must keep working: nothing that forces HTTPS.
  expect(csp, `CSP on ${what}`).not.toContain("upgrade-insecure-requests");
  expect(headers["strict-transport-security"], `HSTS on ${what} over HTTP`).toBeUndefined();
}

test.describe("security headers", () => {
  test("another origin can't frame the run page, and a click through an invisible frame starts nothing", async ({ page, loginAs, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    const first = project.step("1");

    // Where the page itself shows Start for step 1, at the size the frame will have.
    await board.goto();
    await board.waitUntilLive();
    const start = board.nowCard(first).getByRole("button", { name: "Start", exact: true });
    await expect(start).toBeInViewport();
    const box = (await start.boundingBox())!;

    // The attack: the run page in a frame at 1% opacity over a decoy button.
    const attacker = await startOtherOrigin((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><title>Win a prize</title>
        <button style="position:fixed;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px">Claim</button>
        <iframe title="app" src="${BASE_URL}${board.url}" style="position:fixed;left:0;top:0;width:1280px;height:900px;border:0;opacity:0.01;z-index:1"></iframe>`);
    });
    try {
      const refusals: string[] = [];
      page.on("console", (message) => {
        if (message.text().includes("frame-ancestors")) refusals.push(message.text());
      });
      const actionRequests: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("/actions")) actionRequests.push(request.url());
      });
      // `load` of the attacker's page waits for its frame's document, whatever it turned out to be.
      await page.goto(attacker.origin, { waitUntil: "load" });
      // A Start in the frame is sent at once (on main it was: the step started); allow a real one's time to show up.
      const actionSent = page.waitForRequest((request) => request.url().includes("/actions"), { timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const sent = await actionSent;
      expect(sent, `no step action was sent: ${actionRequests.join(", ")}`).toBe(false);
      expect(stepRunRow(db, run.id, first.id)).toMatchObject({ status: "PENDING", version: 1, startedById: null });
      expect(auditCount(db, { action: "step.start", runId: run.id })).toBe(0);
      await expect.poll(() => refusals.join("\n"), { message: "the browser refuses the frame because of frame-ancestors" }).toContain("frame-ancestors 'none'");
      for (const frame of page.frames()) {
        await expect(frame.getByRole("heading", { level: 1 }), `frame ${frame.url()} shows no app page`).toHaveCount(0);
        await expect(frame.getByRole("button", { name: "Start" })).toHaveCount(0);
      }
    } finally {
      await attacker.close();
    }
  });

  test("the app's own pages run under a nonce CSP without a single violation", async ({ browser, page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const step = project.step("1");
    const version = (db.prepare(`SELECT version FROM step WHERE id = ?`).get(step.id) as { version: number }).version;
    const edit = await adminApi.patch(`/api/steps/${step.id}`, { details: "Check the **catalog** first:\n\n- `bpdbjobs -summary`\n- ![local diagram](/icon.svg)\n\n[Runbook](https://example.invalid/runbook)", expectedVersion: version });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    const run = await startRun(project.id, "LIVE");

    // Signed out: the sign-in page.
    const anonymous = await newContext(browser);
    const signInPage = await anonymous.newPage();
    const signInViolations = await recordCspViolations(signInPage);
    const signIn = await signInPage.goto("/login");
    await expectScriptsCarryNonce(signIn);
    await expect(signInPage.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await signInPage.getByLabel("Email").fill("someone@example.test");
    expect(await signInViolations()).toEqual([]);
    await anonymous.close();

    const violations = await recordCspViolations(page);
    await loginAs(page, "ADMIN");
    const visits: { path: string; ready: (p: Page) => Promise<void> }[] = [
      { path: "/projects", ready: async (p) => void (await expect(p.getByRole("link", { name: project.name })).toBeVisible()) },
      {
        path: `/projects/${project.id}`,
        ready: async (p) => {
          await p.getByText(step.title, { exact: true }).first().click();
          await expect(p.getByRole("img", { name: "local diagram" })).toBeVisible();
        },
      },
      {
        path: `/projects/${project.id}/runs/${run.id}`,
        ready: async (p) => {
          const board = new RunBoard(p, project.id, run.id);
          await board.waitUntilLive();
          await board.card(step).getByText("Commands and checks").click();
          await expect(board.card(step).getByRole("img", { name: "local diagram" })).toBeVisible();
          await expect.poll(() => board.card(step).getByRole("img", { name: "local diagram" }).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
        },
      },
      {
        path: `/projects/${project.id}/runs/${run.id}/dashboard`,
        ready: async (p) => {
          // Charts (inline SVG geometry) and the live stream (connect-src).
          await expect(p.getByRole("heading", { level: 1 })).toBeVisible();
          await expect(p.getByRole("status", { name: "Live updates connected" })).toBeVisible();
        },
      },
      { path: `/projects/${project.id}/audit`, ready: async (p) => void (await expect(p.getByRole("heading", { level: 1 })).toBeVisible()) },
      { path: "/admin/users", ready: async (p) => void (await expect(p.getByRole("heading", { level: 1 })).toBeVisible()) },
      { path: "/templates", ready: async (p) => void (await expect(p.getByRole("heading", { level: 1 })).toBeVisible()) },
    ];
    for (const visit of visits) {
      const response = await page.goto(visit.path);
      expect(response?.status(), visit.path).toBe(200);
      await expectScriptsCarryNonce(response);
      await visit.ready(page);
    }
    // A client-side navigation (the app's own links) stays inside the policy too.
    await page.goto("/projects");
    await page.getByRole("link", { name: project.name }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}$`));
    await expect(page.getByText(step.title, { exact: true }).first()).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test("pages, API answers, errors and static files all carry the headers; each page gets its own nonce", async ({ request, adminApi }) => {
    const first = await request.get("/login");
    const second = await request.get("/login");
    expect(first.status()).toBe(200);
    expectSecurityHeaders(first.headers(), "the sign-in page");
    expect(nonceOf(first.headers()["content-security-policy"])).not.toBe(nonceOf(second.headers()["content-security-policy"]));
    const pageCsp = first.headers()["content-security-policy"];
    for (const directive of ["default-src 'self'", "base-uri 'self'", "form-action 'self'", "img-src 'self' data: blob:", "connect-src 'self'", "worker-src 'self'"]) expect(pageCsp).toContain(directive);
    expect(pageCsp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    await expectScriptsCarryNonce(first);

    // A forged X-Forwarded-Proto from an untrusted peer doesn't switch on HTTPS-only headers.
    const forged = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
    expectSecurityHeaders(forged.headers(), "the sign-in page with a forged X-Forwarded-Proto");

    const missingPage = await request.get("/no-such-page");
    expect(missingPage.status()).toBe(404);
    expectSecurityHeaders(missingPage.headers(), "a 404 page");

    const json = await adminApi.request.get(`${BASE_URL}/api/templates`);
    expect(json.status()).toBe(200);
    expect(json.headers()["content-type"]).toContain("application/json");
    expectSecurityHeaders(json.headers(), "an API answer");

    const unauthorised = await request.get("/api/templates");
    expect(unauthorised.status()).toBe(401);
    expectSecurityHeaders(unauthorised.headers(), "an API error");

    const badInput = await adminApi.request.post(`${BASE_URL}/api/projects`, { data: { name: "" }, headers: { origin: BASE_URL } });
    expect(badInput.status()).toBe(400);
    expectSecurityHeaders(badInput.headers(), "a validation error");

    const worker = await request.get("/sw.js");
    expect(worker.status()).toBe(200);
    expectSecurityHeaders(worker.headers(), "the service worker");
    expect(worker.headers()["content-security-policy"]).toContain("connect-src 'self'");

    const html = await first.text();
    const chunk = /<script[^>]+src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(chunk, "a script file on the sign-in page").toBeTruthy();
    const file = await request.get(chunk!);
    expect(file.status()).toBe(200);
    expectSecurityHeaders(file.headers(), "a static file");
  });

  test("a step's Markdown never loads an image from another host and says so", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const pixel = await startOtherOrigin((_request, response) => {
      response.writeHead(200, { "content-type": "image/png" });
      response.end(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
    });
    try {
      const project = await createProject();
      const step = project.step("1");
      const external = `${pixel.origin}/pixel.png`;
      const version = (db.prepare(`SELECT version FROM step WHERE id = ?`).get(step.id) as { version: number }).version;
      const edit = await adminApi.patch(`/api/steps/${step.id}`, { details: `Compare with the diagram:\n\n![rack diagram](${external})\n\n![](${pixel.origin}/no-alt.png)`, expectedVersion: version });
      expect(edit.status, JSON.stringify(edit.body)).toBe(200);
      const run = await startRun(project.id, "LIVE");
      await loginAs(page, "OPERATOR");
      const violations = await recordCspViolations(page);

      // The plan page has the step's details in the DOM (inside a closed <details>).
      await page.goto(`/projects/${project.id}`);
      await page.getByText(step.title, { exact: true }).first().click();
      const planFallback = page.getByRole("link", { name: "External image not shown: rack diagram" });
      await expect(planFallback).toBeVisible();
      await expect(planFallback).toHaveAttribute("href", external);
      await expect(page.getByRole("link", { name: `External image not shown: ${pixel.origin}/no-alt.png` })).toBeVisible();
      await expect(page.getByRole("img", { name: "rack diagram" })).toHaveCount(0);

      const board = new RunBoard(page, project.id, run.id);
      await board.goto();
      await board.waitUntilLive();
      await board.card(step).getByText("Commands and checks").click();
      await expect(board.card(step).getByRole("link", { name: "External image not shown: rack diagram" })).toBeVisible();
      await expect(board.card(step).locator("img")).toHaveCount(0);

      expect(pixel.requests, "requests that reached the other host").toEqual([]);
      expect(await violations()).toEqual([]);
    } finally {
      await pixel.close();
    }
  });
});
