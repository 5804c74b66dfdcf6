import "server-only";
import { postgresPool } from "../platform/db/client";
import { isPostgres } from "../platform/db/dialect";
import * as onPostgres from "./store.postgres";
import * as onSqlite from "./store.sqlite";
import type { ProjectAccessRow } from "./store.sqlite";

/* The reads behind every project access check, on whichever database this process runs. */

export type { ProjectAccessRow };

export async function readProjectAccess(options: { userId: string; projectId: string }): Promise<ProjectAccessRow> {
  return isPostgres() ? onPostgres.readProjectAccess(postgresPool(), options) : onSqlite.readProjectAccess(options);
}

export async function readProjectVisibility(): Promise<string | null> {
  return isPostgres() ? onPostgres.readProjectVisibility(postgresPool()) : onSqlite.readProjectVisibility();
}

/** The project a run belongs to (null: no such run). */
export async function readRunProjectId(runId: string): Promise<string | null> {
  return isPostgres() ? onPostgres.readRunProjectId(postgresPool(), runId) : onSqlite.readRunProjectId(runId);
}
