import { z } from "zod";
import { TOKEN_SCOPE_NAMES, TOKEN_LIFETIMES_DAYS } from "./model";
import { id, requiredText } from "../platform/validation";

export const createTokenInput = z
  .object({
    name: requiredText("Name", 80),
    scope: z.enum(TOKEN_SCOPE_NAMES),
    /** Empty: every project the owner may see. */
    projectIds: z.array(id).max(100, "At most 100 projects.").default([]),
    expiresInDays: z
      .number()
      .int()
      .refine((days) => (TOKEN_LIFETIMES_DAYS as readonly number[]).includes(days), `Choose ${TOKEN_LIFETIMES_DAYS.join(", ")} days.`),
    /** SERVICE: a token for scripts an admin makes; every admin sees and may revoke it. */
    kind: z.enum(["PERSONAL", "SERVICE"]).default("PERSONAL"),
  })
  .strict();

export type CreateTokenInput = z.infer<typeof createTokenInput>;

// ---------------------------------------------------------------- responses (the API description)

/** A token as listed (lib/tokens/model.ts TokenSummary): never its secret. */
const tokenSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["PERSONAL", "SERVICE"]),
  scope: z.enum(TOKEN_SCOPE_NAMES),
  projects: z.array(z.object({ id: z.string(), name: z.string() })).nullable().describe("The projects it is limited to, or null for every project its owner may see."),
  prefix: z.string(),
  owner: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  lastUsedAddress: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  state: z.enum(["active", "expired", "revoked"]),
});

export const tokenListResult = z.object({ tokens: z.array(tokenSummary) });
export const tokenResult = z.object({ token: tokenSummary });
export const tokenCreatedResult = z.object({ token: tokenSummary, secret: z.string().describe("The token itself (rs_live_…): shown this once, never again.") });
