/** Client-safe facts about API tokens (lib/platform/auth/api-tokens.ts is the credential itself). */
export const TOKEN_SCOPE_NAMES = ["READ", "OPERATE", "ADMIN"] as const;
export type TokenScopeName = (typeof TOKEN_SCOPE_NAMES)[number];

export const TOKEN_SCOPE_LABELS: Record<TokenScopeName, string> = {
  READ: "Read (view projects, runs, exports)",
  OPERATE: "Operate (start, sign off and fail steps, tick fleet clients, attach evidence)",
  ADMIN: "Admin (everything an admin may do)",
};

/** How long a token may live: every token expires, so a forgotten one stops working by itself. */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;

export interface TokenSummary {
  id: string;
  name: string;
  kind: "PERSONAL" | "SERVICE";
  scope: TokenScopeName;
  /** The projects it is limited to (names), or null for every project its owner may see. */
  projects: { id: string; name: string }[] | null;
  prefix: string;
  owner: { id: string; name: string };
  createdAt: string;
  createdBy: string | null;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedAddress: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /** active | expired | revoked */
  state: "active" | "expired" | "revoked";
}
