import "server-only";
import { sqlite } from "../platform/db/client";
import { prepared } from "../platform/db/sql";
import { classifyDatabaseError } from "../platform/db/transaction";

/*
 * The project access check runs before every project-scoped read and write, including the step
 * actions' synchronous transaction, so it is one prepared statement on the direct connection
 * (inside runSqlTransaction it reads that transaction's own view).
 */

export interface ProjectAccessRow {
  visibility: string | null;
  memberRole: "OPERATOR" | "VIEWER" | null;
}

export function readProjectAccess(options: { userId: string; projectId: string }): ProjectAccessRow {
  try {
    return prepared<ProjectAccessRow>(
      sqlite(),
      `SELECT (SELECT "value" FROM "setting" WHERE "key" = 'projectVisibility') AS "visibility",
              (SELECT "role" FROM "project_member" WHERE "projectId" = ? AND "userId" = ?) AS "memberRole"`,
    ).get(options.projectId, options.userId)!;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

export function readProjectVisibility(): string | null {
  try {
    return prepared<{ value: string }>(sqlite(), `SELECT "value" FROM "setting" WHERE "key" = 'projectVisibility'`).get()?.value ?? null;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

/** The project a run belongs to (null: no such run). */
export function readRunProjectId(runId: string): string | null {
  try {
    return prepared<{ projectId: string }>(sqlite(), `SELECT "projectId" FROM "run" WHERE "id" = ?`).get(runId)?.projectId ?? null;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}
