import { z } from "zod";
import { requiredText } from "../platform/validation";
import { NOTIFICATION_KINDS } from "./model";

export const notificationKind = z.enum(NOTIFICATION_KINDS);

export const notificationListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() });
export const notificationIdParams = z.strictObject({ id: z.string().min(1).max(100) });
export const markReadInput = z.strictObject({ ids: z.array(z.string().min(1).max(100)).max(200).optional() });

export const notificationView = z.object({
  id: z.string(),
  kind: notificationKind,
  title: z.string(),
  body: z.string(),
  href: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
  acknowledgedAt: z.string().nullable(),
  needsAcknowledgement: z.boolean(),
});
export const notificationListResult = z.object({ unread: z.number().int(), notifications: z.array(notificationView) });
export const markReadResult = z.object({ marked: z.number().int() });
export const acknowledgeResult = z.object({ id: z.string(), acknowledgedAt: z.string() });

export const preferencesInput = z.strictObject({
  preferences: z.array(z.strictObject({ kind: notificationKind, inApp: z.boolean(), email: z.boolean() })).min(1).max(20),
});
export const preferencesResult = z.object({
  emailAvailable: z.boolean(),
  preferences: z.array(z.object({ kind: notificationKind, label: z.string(), inApp: z.boolean(), email: z.boolean() })),
});

/** A one-time approval link's token: 32 random bytes, base64url. */
export const approvalTokenParams = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "Not an approval link.") });
/** The same note the app asks for with a decision (lib/runs/schemas.ts gateDecisionInput). */
export const approvalDecisionInput = z.strictObject({ decision: z.enum(["GO", "NO_GO"]), note: requiredText("A note", 2000, { multiline: true }) });
export const approvalDecisionResult = z.object({ status: z.string(), gateTitle: z.string().optional() });

export const projectNotificationSettingsInput = z.strictObject({
  leadUserId: z.string().trim().min(1).max(64).nullable(),
  /** Null: the installation's default (RUNSHEET_NOTIFY_OVERDUE_MINUTES, else 10). */
  overdueMinutes: z.number({ error: "Enter whole minutes." }).int("Enter whole minutes.").min(1, "At least 1 minute.").max(24 * 60, "At most 24 hours.").nullable(),
});
export const projectNotificationSettingsResult = z.object({ leadUserId: z.string().nullable(), overdueMinutes: z.number().int().nullable() });
