import "server-only";
import { sqlite } from "../db/client";
import { prepared } from "../db/sql";
import { classifyDatabaseError } from "../db/transaction";
import type { RoleName } from "./roles";

export interface SessionUserRow {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  deactivatedAt: string | null;
  sessionId: string;
  sessionCreatedAt: string;
  sessionExpiresAt: string;
}

/**
 * The session behind a verified cookie and its user, on the direct connection: this runs on every
 * request and every tick. Reading the session row each time is what makes sign-out, revocation
 * and deactivation take effect at once, whatever the auth library's signed cookie cache says.
 */
export function findSessionUser(sessionToken: string): SessionUserRow | undefined {
  return sessionUserWhere(`s."token" = ?`, sessionToken);
}

export function findSessionById(sessionId: string): SessionUserRow | undefined {
  return sessionUserWhere(`s."id" = ?`, sessionId);
}

function sessionUserWhere(condition: string, value: string): SessionUserRow | undefined {
  try {
    return prepared<SessionUserRow>(
      sqlite(),
      `SELECT u."id", u."name", u."email", u."role", u."deactivatedAt",
              s."id" AS "sessionId", s."createdAt" AS "sessionCreatedAt", s."expiresAt" AS "sessionExpiresAt"
         FROM "session" s JOIN "user" u ON u."id" = s."userId"
        WHERE ${condition}`,
    ).get(value);
  } catch (error) {
    // That connection never waits for a lock (see sqlite()); a rare busy moment is a clear 503.
    throw classifyDatabaseError(error);
  }
}
