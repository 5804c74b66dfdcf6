/**
 * Shared fixtures for the end-to-end suite.
 *
 * - `db`: the server's database for assertions in plain SQL: a better-sqlite3 connection to its
 *   file (E2E_DATABASE_PATH, chosen per run by playwright.config.ts), or the same API on
 *   PostgreSQL when the suite runs there (E2E_DATABASE_URL; see e2e/support/e2e-database.ts).
 * - `createUser` / `loginAs` / `newSession` / `apiAs`: fresh users of a role (inserted directly
 *   into the database before the tests start, see "The user pool" below), signed in through the
 *   real auth API so the session cookie lands in the browser context.
 * - `createProject` / `startRun` / `RunsheetApi.act` / `completeSteps`: real API calls, made as a
 *   fresh admin (or the given user), to set up and move runs forward fast.
 * - `RunBoard`: locators for the run page's step cards.
 *
 * Every helper makes uniquely named data, so tests never depend on each other or on order.
 * Don't write to the database from a test while the server runs: a commit from outside can make
 * a concurrent server transaction fail with 503 "The database is busy" (see the user pool).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { expect, request as playwrightRequest, test as base, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from "@playwright/test";
import { openE2eDatabase, type E2eDatabase } from "./support/e2e-database";
import { hashPassword } from "better-auth/crypto";
import { formatMoment } from "../lib/platform/time";

export { expect };

export type Role = "ADMIN" | "OPERATOR" | "VIEWER";
export type StepAction = "start" | "done" | "skip" | "fail";
export type RunKind = "LIVE" | "REHEARSAL";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";
export const TIME_ZONE = "Europe/Berlin";
export const TEMPLATE_STEP_COUNT = 35;
export const TEMPLATE_ROLLBACK_COUNT = 5;
/** The phases of the "netbackup-keep-hostname" template, in order. */
export const TEMPLATE_PHASES = ["Planning and inventory", "Prepare the new server", "Cutover window (Saturday)", "Clients and resume", "After the cutover", "Rollback"] as const;

const PASSWORD = "e2e-correct-horse-battery";

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  role: Role;
}

export interface PlanStep {
  id: string;
  /** "1".."30", "R1".."R5": the number the run page shows. */
  number: string;
  title: string;
  kind: string;
  plannedMinutes: number;
  phaseTitle: string;
}

export interface TestProject {
  id: string;
  name: string;
  steps: PlanStep[];
  step: (number: string) => PlanStep;
}

export interface StepRunRow {
  id: string;
  runId: string;
  stepId: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  startedById: string | null;
  signedOffById: string | null;
  signedOffAt: string | null;
  note: string;
  reason: string;
  gateDecision: string | null;
  decidedById: string | null;
  version: number;
  updatedAt: string;
}

// ---------------------------------------------------------------- names

let counter = 0;
/** "Prefix w1-lx3k9a-7": unique across workers and runs, readable in screenshots and logs. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix} w${process.env.TEST_WORKER_INDEX ?? "0"}-${Date.now().toString(36)}-${counter}`;
}

/** A host-name-safe unique token ("nbu-w1-lx3k9a-8"). */
export function uniqueHost(prefix: string): string {
  return uniqueName(prefix).toLowerCase().replace(/[^a-z0-9-]+/g, "-");
}

// ---------------------------------------------------------------- time

/** The same "HH:MM" the app prints (lib/platform/time.ts formatInZone, style "time"). */
export function hhmm(iso: string | Date, timeZone = TIME_ZONE): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(iso));
}

/** A recorded moment as the run page prints it: "02:14 CET", with the date when it isn't today (lib/platform/time.ts formatMoment). */
export function moment(iso: string | Date, timeZone = TIME_ZONE): string {
  return formatMoment(iso, timeZone, { now: Date.now() });
}

/** A run's PDF export as text, page by page, whitespace collapsed (as e2e/records.spec.ts reads it). */
export async function pdfText(request: APIRequestContext, runId: string): Promise<string> {
  const response = await request.get(`${BASE_URL}/api/runs/${runId}/export/pdf`);
  expect(response.status(), `PDF export of ${runId}: ${response.status() === 200 ? "" : await response.text()}`).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/pdf");
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(await response.body()));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, " ").trim()).join("\n");
}

/** SQLite stores Prisma DateTimes as ISO text ("2026-11-25T00:40:42.632+00:00"). */
export const ms = (value: string | null | undefined): number => (value ? Date.parse(value) : Number.NaN);
const sqliteNow = () => new Date().toISOString().replace("Z", "+00:00");

// ---------------------------------------------------------------- database

/** The server's database: its SQLite file, or its PostgreSQL database (./support/e2e-database.ts). */
export function openDatabase(): E2eDatabase {
  return openE2eDatabase();
}

export type { E2eDatabase };

export function stepRunRow(db: E2eDatabase, runId: string, stepId: string): StepRunRow {
  const row = db.prepare(`SELECT * FROM step_run WHERE runId = ? AND stepId = ?`).get(runId, stepId) as StepRunRow | undefined;
  if (!row) throw new Error(`No step_run for run ${runId} / step ${stepId}`);
  return row;
}

export function auditCount(db: E2eDatabase, where: { action: string; entityId?: string; runId?: string; projectId?: string }): number {
  const clauses = ["action = @action"];
  if (where.entityId) clauses.push("entityId = @entityId");
  if (where.runId) clauses.push("runId = @runId");
  if (where.projectId) clauses.push("projectId = @projectId");
  return (db.prepare(`SELECT count(*) AS n FROM audit_event WHERE ${clauses.join(" AND ")}`).get(where) as { n: number }).n;
}

/** Steps of a project in plan order, numbered as the app numbers them (lib/plan/numbering.ts). */
export function loadPlan(db: E2eDatabase, projectId: string): PlanStep[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.title, s.kind, s.plannedMinutes, p.title AS phaseTitle
         FROM step s JOIN phase p ON p.id = s.phaseId
        WHERE s.projectId = ?
        ORDER BY p.position, s.position`,
    )
    .all(projectId) as Omit<PlanStep, "number">[];
  let forward = 0;
  let rollback = 0;
  return rows.map((row) => ({ ...row, number: row.kind === "ROLLBACK" ? `R${++rollback}` : String(++forward) }));
}

// ---------------------------------------------------------------- users and sessions

let passwordHash: Promise<string> | null = null;
/** scrypt is slow on purpose; every test user shares one password, so hash it once per process. */
const hashedPassword = () => (passwordHash ??= hashPassword(PASSWORD));

const roleLabel = (role: Role) => `${role[0]}${role.slice(1).toLowerCase()}`;

/**
 * Inserts a user and its credential account straight into the database, as better-auth would
 * store them (uuid id, providerId "credential", accountId = user id, scrypt hash).
 */
export async function insertUser(db: E2eDatabase, options: { role: Role; name?: string; emailDomain?: string }): Promise<TestUser> {
  const [user] = await insertUsers(db, [{ role: options.role, name: options.name ?? uniqueName(roleLabel(options.role)) }], options.emailDomain);
  return user;
}

async function insertUsers(db: E2eDatabase, specs: { role: Role; name: string }[], emailDomain = "e2e.runsheet.test"): Promise<TestUser[]> {
  const hash = await hashedPassword();
  const now = sqliteNow();
  const insertUserRow = db.prepare(`INSERT INTO "user" (id, name, email, emailVerified, role, createdAt, updatedAt) VALUES (?, ?, ?, true, ?, ?, ?)`);
  const insertAccount = db.prepare(`INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt) VALUES (?, ?, 'credential', ?, ?, ?, ?)`);
  const users = specs.map((spec) => {
    const id = randomUUID();
    return { id, name: spec.name, email: `${id}@${emailDomain}`, password: PASSWORD, role: spec.role };
  });
  db.transaction(() => {
    for (const user of users) {
      insertUserRow.run(user.id, user.name, user.email, user.role, now, now);
      insertAccount.run(randomUUID(), user.id, user.id, hash, now, now);
    }
  })();
  return users;
}

/*
 * The user pool. A write from this process that commits while a server transaction is between
 * its first read and its first write makes that transaction fail with SQLITE_BUSY (WAL snapshot
 * conflict; the app answers 503 "The database is busy"). So users are NOT inserted while tests
 * run: e2e/first-run.setup.ts inserts a pool of them before any test starts, and createUser hands
 * each one out once, claimed by creating a marker file exclusively (safe across workers and
 * worker restarts).
 */
const POOL_DOMAIN = "pool.e2e.runsheet.test";
export const POOL_SIZE_PER_ROLE = Number(process.env.E2E_USER_POOL_PER_ROLE ?? 200);

export async function seedUserPool(db: E2eDatabase, perRole = POOL_SIZE_PER_ROLE): Promise<number> {
  const stamp = Date.now().toString(36);
  const specs = (["ADMIN", "OPERATOR", "VIEWER"] as const).flatMap((role) =>
    Array.from({ length: perRole }, (_, i) => ({ role, name: `${roleLabel(role)} ${stamp}-${String(i + 1).padStart(3, "0")}` })),
  );
  return (await insertUsers(db, specs, POOL_DOMAIN)).length;
}

function claimsDir(): string {
  return `${process.env.E2E_DATABASE_PATH}.claims`;
}

/** A never-used pool user of `role`, or null when the pool is used up. */
export function claimPooledUser(db: E2eDatabase, role: Role): TestUser | null {
  const dir = claimsDir();
  fs.mkdirSync(dir, { recursive: true });
  const candidates = db.prepare(`SELECT id, name, email FROM "user" WHERE role = ? AND email LIKE ? ORDER BY name`).all(role, `%@${POOL_DOMAIN}`) as { id: string; name: string; email: string }[];
  for (const candidate of candidates) {
    try {
      fs.closeSync(fs.openSync(`${dir}/${candidate.id}`, "wx"));
      return { ...candidate, password: PASSWORD, role };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return null;
}

let warnedPoolEmpty = false;
/** A fresh user of `role`: from the pool, or inserted now (with a warning) once the pool is used up. */
export async function freshUser(db: E2eDatabase, role: Role): Promise<TestUser> {
  const pooled = claimPooledUser(db, role);
  if (pooled) return pooled;
  if (!warnedPoolEmpty) {
    warnedPoolEmpty = true;
    console.warn(`[e2e] the ${role} user pool is used up (E2E_USER_POOL_PER_ROLE=${POOL_SIZE_PER_ROLE}); inserting users while tests run can cause 503 "database is busy" flakes.`);
  }
  return insertUser(db, { role });
}

/** Signs in through better-auth's real endpoint; the Set-Cookie lands in whatever owns `request`. */
export async function signInThroughApi(request: APIRequestContext, user: { email: string; password: string }): Promise<void> {
  const response = await request.post(`${BASE_URL}/api/auth/sign-in/email`, {
    data: { email: user.email, password: user.password },
    headers: { origin: BASE_URL },
  });
  const body = await response.text();
  const hint = body.includes("INVALID_ORIGIN") ? " (better-auth did not trust the origin the browser uses; see trustedOrigins/baseURL in lib/platform/auth/auth.ts)" : "";
  expect(response.status(), `sign-in of ${user.email}: ${body}${hint}`).toBe(200);
}

// ---------------------------------------------------------------- API client

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: { code: string; message: string; fieldErrors: Record<string, string[]> } };
}

/** A signed-in HTTP client: the same routes the browser calls, with the same-origin header a browser sends. */
export class RunsheetApi {
  constructor(
    readonly request: APIRequestContext,
    readonly user: TestUser,
  ) {}

  async post<T = Record<string, unknown>>(path: string, data?: unknown): Promise<ApiResponse<T>> {
    return this.send<T>("POST", path, data);
  }

  async patch<T = Record<string, unknown>>(path: string, data?: unknown): Promise<ApiResponse<T>> {
    return this.send<T>("PATCH", path, data);
  }

  private async send<T>(method: "POST" | "PATCH", path: string, data?: unknown): Promise<ApiResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      const response = await this.request.fetch(`${BASE_URL}${path}`, { method, data: data ?? {}, headers: { origin: BASE_URL } });
      const text = await response.text();
      let body: ApiResponse<T>["body"];
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`${method} ${path} answered ${response.status()} with non-JSON: ${text.slice(0, 300)}`);
      }
      // 503 "busy" promises "Nothing was changed; try again": a SQLite write conflict with a
      // concurrent writer (another spec writing to the database directly). Retry it, as the app's
      // own offline queue does; any other answer is the test's to judge.
      if (response.status() === 503 && body.error?.code === "busy" && attempt < 4) {
        console.warn(`[e2e] ${method} ${path}: database busy, retrying (${attempt})`);
        continue;
      }
      return { status: response.status(), body };
    }
  }

  /** POST /api/runs/:runId/steps/:stepId/actions, expecting success. */
  async act(runId: string, step: PlanStep | string, action: StepAction, extra: { note?: string; reason?: string; idempotencyKey?: string; occurredAt?: string; expectedVersion?: number } = {}) {
    const stepId = typeof step === "string" ? step : step.id;
    const result = await this.post<{ status: string; version: number; replayed?: boolean }>(`/api/runs/${runId}/steps/${stepId}/actions`, { action, ...extra });
    expect(result.status, `${action} on ${typeof step === "string" ? step : `step ${step.number}`}: ${JSON.stringify(result.body)}`).toBe(200);
    return result.body;
  }

  async decideGate(runId: string, step: PlanStep, decision: "GO" | "NO_GO", note = "e2e decision") {
    const result = await this.post(`/api/runs/${runId}/steps/${step.id}/gate`, { decision, note });
    expect(result.status, `gate ${decision} on step ${step.number}: ${JSON.stringify(result.body)}`).toBe(200);
    return result.body;
  }

  /**
   * Moves a run forward fast: signs off every listed step in order (a Go for gates). The
   * template numbers steps so that each one's predecessors come before it.
   */
  async completeSteps(runId: string, steps: PlanStep[]) {
    for (const step of steps) {
      if (step.kind === "GATE") await this.decideGate(runId, step, "GO");
      else await this.act(runId, step, "done");
    }
  }
}

// ---------------------------------------------------------------- page helpers

/** The run page's cards. Cards in the "Now" strip repeat a step; these locators use the card in its phase. */
export class RunBoard {
  constructor(
    readonly page: Page,
    readonly projectId: string,
    readonly runId: string,
  ) {}

  get url() {
    return `/projects/${this.projectId}/runs/${this.runId}`;
  }

  async goto() {
    await this.page.goto(this.url);
    await expect(this.page.getByRole("heading", { level: 1 })).toBeVisible();
  }

  /** Waits until the page's Server-Sent Events stream is open, so later changes reach it. */
  async waitUntilLive() {
    await waitUntilLive(this.page);
  }

  card(step: PlanStep): Locator {
    return this.page
      .getByRole("region")
      .filter({ hasNot: this.page.getByRole("heading", { name: "Now", exact: true }) })
      .getByRole("article", { name: `Step ${step.number}: ${step.title}`, exact: true });
  }

  nowCard(step: PlanStep): Locator {
    return this.page.getByRole("region", { name: "Now", exact: true }).getByRole("article", { name: `Step ${step.number}: ${step.title}`, exact: true });
  }

  button(step: PlanStep, name: string): Locator {
    return this.card(step).getByRole("button", { name, exact: true });
  }

  /**
   * The status pill of a card: its icon and label ("◐In progress", "✓Done", "✕No-Go"). The icon
   * tells it apart from the card's "Done" button.
   */
  statusBadge(step: PlanStep, label: string): Locator {
    return this.card(step).getByText(new RegExp(`^[○◐✓↷✕]\\s*${label}$`));
  }
}

// ---------------------------------------------------------------- fixtures

interface TestFixtures {
  /** A fresh, never signed-in user of `role` (default OPERATOR) from the pool; with `name`, inserted now under that name. */
  createUser: (options?: { role?: Role; name?: string }) => Promise<TestUser>;
  /** Creates a fresh user of `role` (or takes the given user) and signs the page's/context's browser in as them. */
  loginAs: (target: Page | BrowserContext, who: Role | TestUser) => Promise<TestUser>;
  /** A new browser context + page, signed in as a fresh user of `role`; closed after the test. */
  newSession: (who: Role | TestUser, options?: BrowserContextOptions) => Promise<{ user: TestUser; context: BrowserContext; page: Page }>;
  /** A signed-in API client for a fresh user of `role`; disposed after the test. */
  apiAs: (who: Role | TestUser) => Promise<RunsheetApi>;
  /** An admin API client, created on first use. */
  adminApi: RunsheetApi;
  createProject: (options?: { name?: string; template?: "netbackup-keep-hostname" | "empty"; windowStart?: Date; windowEnd?: Date }) => Promise<TestProject>;
  startRun: (projectId: string, kind?: RunKind) => Promise<{ id: string }>;
}

interface WorkerFixtures {
  db: E2eDatabase;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  db: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const db = openDatabase();
      await use(db);
      db.close();
    },
    { scope: "worker" },
  ],

  createUser: async ({ db }, use) => {
    await use((options = {}) => (options.name ? insertUser(db, { role: options.role ?? "OPERATOR", name: options.name }) : freshUser(db, options.role ?? "OPERATOR")));
  },

  loginAs: async ({ db }, use) => {
    await use(async (target, who) => {
      const user = typeof who === "string" ? await freshUser(db, who) : who;
      const context = "request" in target && "newPage" in target ? (target as BrowserContext) : (target as Page).context();
      await signInThroughApi(context.request, user);
      return user;
    });
  },

  newSession: async ({ browser, loginAs }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (who, options = {}) => {
      const context = await newContext(browser, options);
      contexts.push(context);
      const user = await loginAs(context, who);
      const page = await context.newPage();
      return { user, context, page };
    });
    await Promise.all(contexts.map((c) => c.close()));
  },

  apiAs: async ({ db }, use) => {
    const contexts: APIRequestContext[] = [];
    await use(async (who) => {
      const user = typeof who === "string" ? await freshUser(db, who) : who;
      const request = await playwrightRequest.newContext({ baseURL: BASE_URL });
      contexts.push(request);
      await signInThroughApi(request, user);
      return new RunsheetApi(request, user);
    });
    await Promise.all(contexts.map((c) => c.dispose()));
  },

  adminApi: async ({ apiAs }, use) => {
    await use(await apiAs("ADMIN"));
  },

  createProject: async ({ adminApi, db }, use) => {
    await use(async (options = {}) => {
      const name = options.name ?? uniqueName("E2E project");
      // A window that is open now and long enough that no rollback-deadline alert appears.
      const windowStart = options.windowStart ?? new Date(Date.now() - 15 * 60_000);
      const windowEnd = options.windowEnd ?? new Date(windowStart.getTime() + 12 * 60 * 60_000);
      const result = await adminApi.post<{ id: string }>("/api/projects", {
        name,
        description: "Created by the end-to-end suite.",
        sourceHost: uniqueHost("nbu-old"),
        targetHost: uniqueHost("nbu-new"),
        product: "NetBackup",
        hostnameStrategy: "KEEP",
        mediaServers: [],
        timezone: TIME_ZONE,
        windowStart: windowStart.toISOString(),
        windowEnd: windowEnd.toISOString(),
        template: options.template ?? "netbackup-keep-hostname",
      });
      expect(result.status, `create project: ${JSON.stringify(result.body)}`).toBe(200);
      const id = result.body.id;
      const steps = loadPlan(db, id);
      return {
        id,
        name,
        steps,
        step: (number: string) => {
          const found = steps.find((s) => s.number === number);
          if (!found) throw new Error(`Project ${name} has no step ${number}`);
          return found;
        },
      };
    });
  },

  startRun: async ({ adminApi }, use) => {
    await use(async (projectId, kind = "REHEARSAL") => {
      const result = await adminApi.post<{ id: string }>(`/api/projects/${projectId}/runs`, { kind });
      expect(result.status, `start run: ${JSON.stringify(result.body)}`).toBe(200);
      return { id: result.body.id };
    });
  },
});

/** browser.newContext() with the suite's defaults (base URL, zone, locale). */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: BASE_URL, locale: "en-GB", timezoneId: TIME_ZONE, viewport: { width: 1280, height: 900 }, ...options });
}

/** Resolves for the first `n` callers only when all `n` have arrived: lines up concurrent requests. */
export function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived >= n) release();
    await all;
  };
}

/**
 * Waits for a page's live stream to say it is connected. The stream opens once the page has
 * hydrated; on CI's two cores, with the other worker and both servers busy, a chart-heavy page
 * (the dashboard) has taken 14 s to hydrate, so this waits longer than a plain expect.
 */
export async function waitUntilLive(page: Page): Promise<void> {
  await expect(page.getByRole("status", { name: "Live updates connected" })).toBeVisible({ timeout: 30_000 });
}
