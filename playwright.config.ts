import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests against the PRODUCTION build in `.next-e2e`. Build it first:
 *
 *   NEXT_DIST_DIR=.next-e2e npm run build
 *
 * Every `playwright test` run serves that build on port 3100 with a brand-new SQLite file
 * (e2e/.data/run-<timestamp>.db), so runs never see each other's data. Tests read the same file
 * through E2E_DATABASE_PATH (see e2e/fixtures.ts) to assert what was really stored.
 */
const repoRoot = path.dirname(fileURLToPath(import.meta.url));
// E2E_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DIST_DIR = ".next-e2e";
const DATA_DIR = path.join(repoRoot, "e2e", ".data");
/**
 * Single sign-on: the app is configured for an OpenID Provider on the next port, which only
 * e2e/sso.spec.ts starts (tests/support/oidc-provider.ts). The app discovers it at the first SSO
 * sign-in, so every other spec runs with the "Sign in with Test IdP" button shown and the
 * password form working next to it (SSO configured, not "SSO only").
 */
const OIDC_PORT = PORT + 1;
const E2E_OIDC = {
  issuer: `http://127.0.0.1:${OIDC_PORT}`,
  port: OIDC_PORT,
  clientId: "runsheet-e2e",
  clientSecret: "runsheet-e2e-client-secret",
  name: "Test IdP",
  // One signing key for the whole run, picked by the runner (workers inherit it, like the
  // database path): a worker restarted after a failure starts the IdP again with the same key.
  signingKey:
    process.env.TEST_WORKER_INDEX !== undefined && process.env.E2E_OIDC
      ? (JSON.parse(process.env.E2E_OIDC) as { signingKey: Record<string, unknown> }).signingKey
      : (generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }) as Record<string, unknown>),
};

/** Database files of earlier runs, untouched for this long, are deleted (younger ones may belong to a run in progress). */
const STALE_AFTER_MS = 10 * 60_000;

function removeStaleDatabases(): void {
  if (!fs.existsSync(DATA_DIR)) return;
  const groups = new Map<string, { files: string[]; newest: number }>();
  for (const name of fs.readdirSync(DATA_DIR)) {
    const match = /^(run-[\w-]+\.db)(-wal|-shm|-journal|\.claims|\.files)?$/.exec(name);
    if (!match) continue;
    const file = path.join(DATA_DIR, name);
    const mtime = fs.statSync(file).mtimeMs;
    const group = groups.get(match[1]) ?? { files: [], newest: 0 };
    group.files.push(file);
    group.newest = Math.max(group.newest, mtime);
    groups.set(match[1], group);
  }
  for (const { files, newest } of groups.values()) {
    if (Date.now() - newest < STALE_AFTER_MS) continue;
    for (const file of files) fs.rmSync(file, { force: true, recursive: true });
  }
}

/**
 * The config is evaluated by the runner AND by every worker. Only the runner (no
 * TEST_WORKER_INDEX) picks a fresh file; workers inherit it through the environment.
 */
function databasePathForThisRun(): string {
  const inherited = process.env.E2E_DATABASE_PATH;
  if (process.env.TEST_WORKER_INDEX !== undefined && inherited) return inherited;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  removeStaleDatabases();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return path.join(DATA_DIR, `run-${stamp}-${process.pid}.db`);
}

/**
 * On PostgreSQL (E2E_DATABASE_URL, set by `npm run test:e2e:postgres` with a brand-new database):
 * the server runs there, its files (auth secret, audit key and checkpoints, evidence) go to a
 * fresh folder, and the specs below run: those whose writes take a path of their own on each
 * database (sign-offs and the audit chain, run records and plan changes, gates and four-eyes,
 * fleet updates, evidence, offline replays and idempotency, imports, project creation from the
 * template, identity and tokens, notifications and webhooks, live updates), about 4 minutes. The
 * others (page layout, headers, API docs, plan editing, templates, account pages) run on SQLite
 * only, to keep CI inside its 30 minutes; `E2E_POSTGRES_SPECS=all npm run test:e2e:postgres` runs
 * the whole suite there (about 6 minutes). members.spec.ts runs last, alone, as on SQLite.
 */
const POSTGRES_URL = process.env.E2E_DATABASE_URL && /^postgres(ql)?:\/\//i.test(process.env.E2E_DATABASE_URL) ? process.env.E2E_DATABASE_URL : null;
const POSTGRES_E2E_SPECS =
  process.env.E2E_POSTGRES_SPECS === "all"
    ? /\/(?!members\.)[a-z0-9-]+\.spec\.ts$/ // members.spec.ts has a project of its own
    : /\/(run|live|live-deltas|records|gates|fleet|fleet-import|evidence|offline|import|import-xlsx|projects|auth|api-tokens|teams|notifications|webhooks|audit-verify)\.spec\.ts$/;

const databasePath = databasePathForThisRun();
process.env.E2E_DATABASE_PATH = databasePath;
process.env.E2E_BASE_URL = BASE_URL;
process.env.E2E_OIDC = JSON.stringify(E2E_OIDC);
process.env.NEXT_TELEMETRY_DISABLED = "1";

const distBuildId = path.join(repoRoot, DIST_DIR, "BUILD_ID");
if (process.env.TEST_WORKER_INDEX === undefined && !fs.existsSync(distBuildId)) {
  // Fail with the fix instead of a 60-second webServer timeout.
  throw new Error(`No production build in ${DIST_DIR}/. Run: NEXT_DIST_DIR=${DIST_DIR} npm run build`);
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  projects: POSTGRES_URL
    ? [
        { name: "setup", testMatch: /first-run\.setup\.ts$/ },
        { name: "postgres", dependencies: ["setup"], testMatch: POSTGRES_E2E_SPECS },
        // As on SQLite (below): it switches the installation to "members only", so it runs last, alone.
        { name: "members", testMatch: /members\.spec\.ts$/, dependencies: ["postgres"] },
      ]
    : [
        // First: the first-run flow on the empty database, then the pool of users the tests sign in as.
        { name: "setup", testMatch: /first-run\.setup\.ts$/ },
        { name: "e2e", dependencies: ["setup"], testIgnore: /members\.spec\.ts$/ },
        // Switches the installation to "members only" visibility, so it runs alone after the others
        // (E2E_MEMBERS_ALONE=1 runs it right after setup, for working on it).
        { name: "members", testMatch: /members\.spec\.ts$/, dependencies: process.env.E2E_MEMBERS_ALONE ? ["setup"] : ["e2e"] },
      ],
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    ...devices["Desktop Chrome"],
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 900 },
    locale: "en-GB",
    timezoneId: "Europe/Berlin",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    // The app's only animations are pulses (motion-safe:animate-pulse: the Live dot, the
    // deadline alarm). In headless Chromium a pulse in every open page keeps the software
    // compositor drawing 60 frames a second, which took most of CI's two cores and tripled some
    // tests' times. Reduced motion is what a user who asks for it gets, so the pages are real.
    reducedMotion: "reduce",
    // A failed test keeps its trace: every action with a DOM snapshot of the page before and
    // after, which is what one debugs with. The trace's screencast (a frame of every page many
    // times a second, for every test, kept or not) is left out: it cost about a quarter of the
    // suite's time on two cores. The screenshot below is taken on failure.
    trace: { mode: "retain-on-failure", screenshots: false, snapshots: true, sources: true },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: `node lib/platform/server/serve.mjs`,
    url: `${BASE_URL}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NEXT_DIST_DIR: DIST_DIR,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: POSTGRES_URL ?? `file:${databasePath}`,
      // On PostgreSQL the files that belong with the data get a folder of this run's own.
      ...(POSTGRES_URL ? { RUNSHEET_DATA_DIR: `${databasePath}.files` } : {}),
      RUNSHEET_SEED: "none",
      NEXT_TELEMETRY_DISABLED: "1",
      // Hundreds of runs end in the suite; continuous backup has its own tests (tests/faults).
      RUNSHEET_BACKUP_EVERY_MINUTES: "off",
      RUNSHEET_OIDC_ISSUER: E2E_OIDC.issuer,
      RUNSHEET_OIDC_CLIENT_ID: E2E_OIDC.clientId,
      RUNSHEET_OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
      RUNSHEET_OIDC_NAME: E2E_OIDC.name,
      RUNSHEET_OIDC_SCOPES: "openid email profile groups",
      RUNSHEET_OIDC_ROLE_CLAIM: "groups",
      RUNSHEET_OIDC_ADMIN_VALUES: "runsheet-admins",
      RUNSHEET_OIDC_OPERATOR_VALUES: "nbu-operators",
      // No BETTER_AUTH_URL on purpose: sign-in must work the way a self-hosted install runs by
      // default, reached by an IP or LAN name with the origin taken from the request (lib/platform/auth/auth.ts).
    },
  },
});
