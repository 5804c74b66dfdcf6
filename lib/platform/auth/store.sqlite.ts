import "server-only";
import { sqlite } from "../db/client";
import { prepared } from "../db/sql";
import { classifyDatabaseError } from "../db/transaction";
import type { RoleName } from "./roles";

/** The signed-in user's row, on the direct connection: this runs on every request and every tick. */
export function findSessionUser(userId: string): { id: string; name: string; email: string; role: RoleName; deactivatedAt: string | null } | undefined {
  try {
    return prepared<{ id: string; name: string; email: string; role: RoleName; deactivatedAt: string | null }>(
      sqlite(),
      `SELECT "id", "name", "email", "role", "deactivatedAt" FROM "user" WHERE "id" = ?`,
    ).get(userId);
  } catch (error) {
    // That connection never waits for a lock (see sqlite()); a rare busy moment is a clear 503.
    throw classifyDatabaseError(error);
  }
}
