/**
 * `npm run test:unit:postgres`: one throw-away PostgreSQL server for the whole run; each test file
 * makes its own database on it (tests/unit/helpers/db-setup.ts openTestDatabase).
 */
import type { TestProject } from "vitest/node";
import { startPostgres } from "./helpers/postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide("postgresUrl", server.url);
  return async () => {
    await server.stop();
  };
}
