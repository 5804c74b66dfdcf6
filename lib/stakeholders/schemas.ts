import { z } from "zod";
import { text } from "../platform/validation";
import { MAX_INTERVAL_MINUTES, MAX_RECIPIENTS, MIN_INTERVAL_MINUTES, unknownPlaceholderMessage, unknownPlaceholders } from "./model";

const EMAIL = z.string().email();

/**
 * The stakeholder list: each address checked, the bad ones named in one message on the field
 * ("recipients"), so a list pasted from a mail client says which entry to fix.
 */
export const recipientsField = z
  .array(z.string().max(200, "An address is at most 200 characters."))
  .max(MAX_RECIPIENTS, `At most ${MAX_RECIPIENTS} recipients.`)
  .transform((list) => list.map((a) => a.trim().toLowerCase()).filter((a) => a !== ""))
  .superRefine((list, ctx) => {
    const bad = list.filter((a) => !EMAIL.safeParse(a).success);
    if (bad.length > 0) ctx.addIssue({ code: "custom", message: `Not a valid email address: ${bad.join(", ")}.` });
  })
  .transform((list) => [...new Set(list)]);

/** A template field: bounded text whose {{placeholders}} are all known (the unknown ones named). */
const template = (label: string, max: number, options: { multiline?: boolean } = {}) =>
  text(label, max, options)
    .refine((value) => value !== "", `${label} is required.`)
    .superRefine((value, ctx) => {
      const unknown = unknownPlaceholders(value);
      if (unknown.length > 0) ctx.addIssue({ code: "custom", message: unknownPlaceholderMessage(unknown) });
    });

export const subjectTemplateField = template("The subject", 200);
export const bodyTemplateField = template("The message", 5000, { multiline: true });

export const stakeholderSettingsInput = z
  .object({
    recipients: recipientsField,
    sendByEmail: z.boolean(),
    sendByWebhook: z.boolean(),
    intervalMinutes: z
      .number({ message: "A number of minutes." })
      .int("Whole minutes.")
      .min(MIN_INTERVAL_MINUTES, `At least every ${MIN_INTERVAL_MINUTES} minutes.`)
      .max(MAX_INTERVAL_MINUTES, `At most every ${MAX_INTERVAL_MINUTES} minutes.`),
    subjectTemplate: subjectTemplateField,
    bodyTemplate: bodyTemplateField,
    enabled: z.boolean(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.sendByEmail && value.recipients.length === 0 && value.enabled) {
      ctx.addIssue({ code: "custom", path: ["recipients"], message: "Add at least one recipient for updates by email." });
    }
    if (value.enabled && !value.sendByEmail && !value.sendByWebhook) {
      ctx.addIssue({ code: "custom", path: ["sendByEmail"], message: "Choose email, webhook or both for automatic updates." });
    }
  });
export type StakeholderSettingsInput = z.infer<typeof stakeholderSettingsInput>;

/** Preview with the templates as they are in the editor (unsaved), or the saved ones. */
export const stakeholderPreviewInput = z.object({ subjectTemplate: subjectTemplateField.optional(), bodyTemplate: bodyTemplateField.optional() }).strict();

/** Send now: the edited message as it stands, or (without one) the saved templates rendered now. */
export const stakeholderSendInput = z
  .object({
    subject: text("The subject", 250).refine((v) => v !== "", "The subject is required.").optional(),
    text: text("The message", 10_000, { multiline: true }).refine((v) => v !== "", "The message is required.").optional(),
  })
  .strict();

const settingsShape = z.object({
  recipients: z.array(z.string()),
  sendByEmail: z.boolean(),
  sendByWebhook: z.boolean(),
  intervalMinutes: z.number().int(),
  subjectTemplate: z.string(),
  bodyTemplate: z.string(),
  enabled: z.boolean(),
});

export const stakeholderSettingsResponse = z.object({
  runId: z.string(),
  /** False until an admin saves settings for this run (the values shown are then defaults). */
  saved: z.boolean(),
  settings: settingsShape,
  nextDueAt: z.string().nullable(),
  pausedAt: z.string().nullable(),
  runActive: z.boolean(),
  mailConfigured: z.boolean(),
  placeholders: z.array(z.object({ name: z.string(), description: z.string() })),
});

export const stakeholderPreviewResponse = z.object({ subject: z.string(), text: z.string(), renderedAt: z.string() });

export const stakeholderMessageView = z.object({
  id: z.string(),
  sentAt: z.string(),
  sentBy: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  channels: z.array(z.enum(["email", "webhook"])),
  recipients: z.array(z.string()),
  status: z.enum(["PENDING", "SENT", "FAILED", "RECORDED"]),
  error: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
});

export const stakeholderLogResponse = z.object({ messages: z.array(stakeholderMessageView) });
export const stakeholderSendResponse = z.object({ message: stakeholderMessageView });
