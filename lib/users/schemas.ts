import { z } from "zod";
import { ROLES } from "../platform/auth/roles";
import { passwordProblem } from "../platform/auth/password-policy";
import { email, requiredText } from "../platform/validation";

/** A new password as typed: checked against the policy, with the person's own name and email as things it mustn't lean on. */
const newPassword = z.string().max(1000, "Too long.");

function checkPassword(field: string, personal: (value: Record<string, unknown>) => string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const problem = passwordProblem(String(value[field] ?? ""), personal(value));
    if (problem) ctx.addIssue({ code: "custom", path: [field], message: problem });
  };
}

export const createUserInput = z
  .object({
    name: requiredText("Name", 100),
    email,
    password: newPassword,
    role: z.enum(ROLES),
  })
  .strict()
  .superRefine(checkPassword("password", (v) => [String(v.name ?? ""), String(v.email ?? "")]));

export const updateUserInput = z
  .object({
    name: requiredText("Name", 100).optional(),
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const firstAdminInput = z
  .object({
    name: requiredText("Name", 100),
    email,
    password: newPassword,
  })
  .strict()
  .superRefine(checkPassword("password", (v) => [String(v.name ?? ""), String(v.email ?? "")]));

/** Changing your own password: the current one proves it's you (a session left open on a shared laptop isn't enough). */
export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(1000),
    newPassword,
  })
  .strict();

/** Finishing a reset an admin started: the one-time token from the link, and the new password. */
export const completePasswordResetInput = z
  .object({
    token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "This reset link is not valid."),
    newPassword,
  })
  .strict();

// ---------------------------------------------------------------- responses (the API description)

/** A signed-in session of yours (lib/users/sessions.ts SessionSummary). */
const sessionSummary = z.object({
  id: z.string(),
  current: z.boolean().describe("This device's session."),
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
  signedInAt: z.string(),
  lastActiveAt: z.string(),
  endsAt: z.string().describe("When it ends unless used: the idle expiry, or the absolute limit if sooner."),
});

export const sessionListResult = z.object({ sessions: z.array(sessionSummary) });

/** How many sessions a sign-out ended. */
export const sessionsRevokedResult = z.object({ revoked: z.number().int() });

export const passwordChangedResult = z.object({ otherSessionsEnded: z.number().int().describe("Your other sessions, signed out by the change.") });

export const passwordResetCompletedResult = z.object({ email: z.string().describe("The account's email, to sign in with.") });

export const passwordResetCreatedResult = z.object({
  token: z.string().describe("The one-time token, shown once; the reset link is /reset-password?token=…"),
  expiresAt: z.string(),
  userName: z.string(),
});
