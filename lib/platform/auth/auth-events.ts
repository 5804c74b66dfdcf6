import "server-only";

/**
 * What the sign-in machinery reports for the audit trail. The platform layer can't write audit
 * events itself (the audit chain is a feature), so the app wires a recorder in once, where the
 * auth routes are mounted (app/api/auth/[...all]/route.ts); until then events are refused loudly
 * rather than dropped silently.
 */
export type SignInFailureReason = "wrong_password" | "unknown_account" | "deactivated" | "demo_off_loopback";

export type AuthEvent =
  | { kind: "sign_in"; userId: string; name: string; address: string; userAgent: string | null; method: "password" | "sso" }
  | { kind: "sign_in_failed"; email: string; userId: string | null; name: string | null; address: string; reason: SignInFailureReason }
  | { kind: "sign_in_throttled"; email: string; address: string; waitMs: number }
  | { kind: "sign_out"; userId: string; name: string; address: string }
  /** The identity provider's claims gave a different role at an SSO sign-in (or none: access removed). */
  | { kind: "sso_role_change"; userId: string; name: string; from: string; to: string | null };

export type AuthEventRecorder = (event: AuthEvent) => Promise<void>;

const globalForAuthEvents = globalThis as unknown as { runsheetAuthEventRecorder?: AuthEventRecorder };

export function setAuthEventRecorder(recorder: AuthEventRecorder): void {
  globalForAuthEvents.runsheetAuthEventRecorder = recorder;
}

export async function reportAuthEvent(event: AuthEvent): Promise<void> {
  const recorder = globalForAuthEvents.runsheetAuthEventRecorder;
  if (!recorder) throw new Error("No audit recorder for sign-in events: import the auth route's wiring before handling sign-ins.");
  await recorder(event);
}
