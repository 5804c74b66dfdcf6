import "server-only";
import type pg from "pg";
import { classifyPostgresError } from "../platform/db/postgres-errors";
import type { ProjectAccessRow } from "./store.sqlite";

/* ./store.sqlite.ts on PostgreSQL: the reads behind every project access check. */

type Queryable = Pick<pg.Pool, "query">;

export async function readProjectAccess(db: Queryable, options: { userId: string; projectId: string }): Promise<ProjectAccessRow> {
  try {
    const result = await db.query<ProjectAccessRow>({
      name: "project-access",
      text: `SELECT (SELECT "value" FROM "setting" WHERE "key" = 'projectVisibility') AS "visibility",
                    (SELECT "role"::text FROM "project_member" WHERE "projectId" = $1 AND "userId" = $2) AS "memberRole"`,
      values: [options.projectId, options.userId],
    });
    return result.rows[0];
  } catch (error) {
    throw classifyPostgresError(error);
  }
}

export async function readProjectVisibility(db: Queryable): Promise<string | null> {
  try {
    const result = await db.query<{ value: string }>({ name: "project-visibility", text: `SELECT "value" FROM "setting" WHERE "key" = 'projectVisibility'` });
    return result.rows[0]?.value ?? null;
  } catch (error) {
    throw classifyPostgresError(error);
  }
}

/** The project a run belongs to (null: no such run). */
export async function readRunProjectId(db: Queryable, runId: string): Promise<string | null> {
  try {
    const result = await db.query<{ projectId: string }>({ name: "run-project-id", text: `SELECT "projectId" FROM "run" WHERE "id" = $1`, values: [runId] });
    return result.rows[0]?.projectId ?? null;
  } catch (error) {
    throw classifyPostgresError(error);
  }
}
