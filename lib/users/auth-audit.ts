import "server-only";
import { appendAuditEvent, type AuditInput } from "../audit/service";
import type { AuthEvent } from "../platform/auth/auth-events";
import { runTransaction } from "../platform/db/transaction";

/**
 * Sign-ins, failures, delays, sign-outs and SSO role changes on the installation's audit chain
 * (no project). A failure for an unknown account names what was typed, cut short: it is evidence
 * of guessing.
 */
export async function recordAuthEvent(event: AuthEvent): Promise<void> {
  await runTransaction(async (tx) => {
    await appendAuditEvent(tx, auditInputOf(event));
  });
}

function auditInputOf(event: AuthEvent): AuditInput {
  const onUser = (userId: string) => ({ projectId: null, entityType: "user", entityId: userId, before: null });
  switch (event.kind) {
    case "sign_in":
      return { ...onUser(event.userId), actor: { id: event.userId, name: event.name }, action: "auth.sign_in", after: { address: event.address, userAgent: event.userAgent?.slice(0, 200) ?? null, method: event.method } };
    case "sign_in_failed":
      return { ...onUser(event.userId ?? ""), actor: null, action: "auth.sign_in_failed", after: { email: event.email.slice(0, 120), name: event.name, address: event.address, reason: event.reason } };
    case "sign_in_throttled":
      return { projectId: null, entityType: "address", entityId: event.address, before: null, actor: null, action: "auth.sign_in_delayed", after: { email: event.email.slice(0, 120), address: event.address, waitSeconds: Math.ceil(event.waitMs / 1000) } };
    case "sso_role_change":
      return {
        ...onUser(event.userId),
        actor: null,
        action: event.to === null ? "auth.sso_access_removed" : "auth.sso_role_change",
        before: { name: event.name, role: event.from },
        after: event.to === null ? null : { role: event.to },
      };
    case "sign_out":
      return { ...onUser(event.userId), actor: { id: event.userId, name: event.name }, action: "auth.sign_out", after: { address: event.address } };
  }
}
