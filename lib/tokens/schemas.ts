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
