import "server-only";
import { appendAuditEvent } from "../audit/service";
import type { AuthEvent } from "../platform/auth/auth-events";
import { runTransaction } from "../platform/db/transaction";

/**
 * Sign-ins, failures, delays and sign-outs on the installation's audit chain (no project). A
 * failure for an unknown account names what was typed, cut short: it is evidence of guessing.
 */
export async function recordAuthEvent(event: AuthEvent): Promise<void> {
  await runTransaction(async (tx) => {
    switch (event.kind) {
      case "sign_in":
        await appendAuditEvent(tx, {
          actor: { id: event.userId, name: event.name },
          projectId: null,
          action: "auth.sign_in",
          entityType: "user",
          entityId: event.userId,
          before: null,
          after: { address: event.address, userAgent: event.userAgent?.slice(0, 200) ?? null, method: event.method },
        });
        return;
      case "sign_in_failed":
        await appendAuditEvent(tx, {
          actor: null,
          projectId: null,
          action: "auth.sign_in_failed",
          entityType: "user",
          entityId: event.userId ?? "",
          before: null,
          after: { email: event.email.slice(0, 120), name: event.name, address: event.address, reason: event.reason },
        });
        return;
      case "sign_in_throttled":
        await appendAuditEvent(tx, {
          actor: null,
          projectId: null,
          action: "auth.sign_in_delayed",
          entityType: "address",
          entityId: event.address,
          before: null,
          after: { email: event.email.slice(0, 120), address: event.address, waitSeconds: Math.ceil(event.waitMs / 1000) },
        });
        return;
      case "sso_role_change":
        await appendAuditEvent(tx, {
          actor: null,
          projectId: null,
          action: event.to === null ? "auth.sso_access_removed" : "auth.sso_role_change",
          entityType: "user",
          entityId: event.userId,
          before: { name: event.name, role: event.from },
          after: event.to === null ? null : { role: event.to },
        });
        return;
      case "sign_out":
        await appendAuditEvent(tx, {
          actor: { id: event.userId, name: event.name },
          projectId: null,
          action: "auth.sign_out",
          entityType: "user",
          entityId: event.userId,
          before: null,
          after: { address: event.address },
        });
        return;
    }
  });
}
