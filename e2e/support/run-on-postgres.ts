/**
 * `npm run test:e2e:postgres`: the PostgreSQL part of the end-to-end suite. Starts a throw-away
 * PostgreSQL server on loopback (Debian's `postgresql` package, as the integration tests do),
 * creates an empty database, and runs `playwright test` with E2E_DATABASE_URL pointing at it:
 * playwright.config.ts then serves the same production build on PostgreSQL and runs the specs in
 * POSTGRES_E2E_SPECS. Arguments go to playwright. The server is stopped and deleted afterwards.
 */
import { spawn } from "node:child_process";
import { startPostgres } from "../../tests/unit/helpers/postgres-server";

async function main(): Promise<number> {
  const postgres = await startPostgres();
  try {
    const url = await postgres.createDatabase("runsheet_e2e");
    console.log(`e2e on PostgreSQL: ${url}`);
    const child = spawn(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, E2E_DATABASE_URL: url },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    return await new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await postgres.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
