import { z } from "zod";
import { hostname, id, isoDate, partialWithoutDefaults, requiredText, text, timezone } from "../platform/validation";
import { IMPORTED_PLAN, isTemplateRef } from "../templates/ids";
import { HOSTNAME_STRATEGIES, NETBACKUP_VERSIONS, PLATFORM_PATHS, PROJECT_ROLES, PROJECT_STATUSES, PROJECT_VISIBILITIES, TICKET_PLACEHOLDER } from "./model";

/** "https://acme.service-now.com/change_request.do?sysparm_query=number={ticket}": http(s) only, with the placeholder. */
const changeLinkTemplate = text("Change link template", 500)
  .refine((value) => value === "" || /^https?:\/\/[^\s/]+/i.test(value), "The link template must start with https:// or http://.")
  .refine((value) => value === "" || value.includes(TICKET_PLACEHOLDER), `Put ${TICKET_PLACEHOLDER} where the ticket number goes.`)
  .optional();

const MAX_WINDOW_DAYS = 14;

export const projectFields = z
  .object({
    name: requiredText("Name", 120),
    description: text("Description", 5000, { multiline: true }).default(""),
    sourceHost: hostname,
    targetHost: hostname,
    product: requiredText("Product", 60).default("NetBackup"),
    hostnameStrategy: z.enum(HOSTNAME_STRATEGIES, { error: "Choose keep or rename." }),
    // Optional: absent means the database default (8.1–9.x, same platform, no ticket).
    netbackupVersion: z.enum(NETBACKUP_VERSIONS, { error: "Choose the NetBackup version." }).optional(),
    platformPath: z.enum(PLATFORM_PATHS, { error: "Choose the same or a different platform." }).optional(),
    changeTicket: text("Change ticket", 60).optional(),
    changeLinkTemplate,
    mediaServers: z.array(hostname).max(50).default([]),
    timezone,
    windowStart: isoDate,
    windowEnd: isoDate,
  })
  .strict();

function checkWindow(value: { windowStart?: Date; windowEnd?: Date; sourceHost?: string; targetHost?: string; hostnameStrategy?: string }, ctx: z.RefinementCtx) {
  if (value.windowStart instanceof Date && value.windowEnd instanceof Date) {
    if (value.windowEnd.getTime() <= value.windowStart.getTime()) {
      ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "The window must end after it starts." });
    } else if (value.windowEnd.getTime() - value.windowStart.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["windowEnd"], message: `A downtime window can't be longer than ${MAX_WINDOW_DAYS} days.` });
    }
  }
}

export const createProjectInput = projectFields
  .extend({
    /** "empty", a built-in template id, a saved template's id, or "import" with `document` (lib/templates/ids.ts). */
    template: z
      .string()
      .trim()
      .refine(isTemplateRef, "Choose a template, an empty plan or an imported file.")
      .default("netbackup-keep-hostname"),
    /**
     * The plan of an imported file, only with template "import". createProject checks it against
     * runbookDocumentSchema: lib/templates/runbook-document.ts imports this module, so it can't be named here.
     */
    document: z.unknown().optional(),
  })
  .strict()
  .superRefine(checkWindow)
  .superRefine((value, ctx) => {
    if (value.template === IMPORTED_PLAN && value.document === undefined) ctx.addIssue({ code: "custom", path: ["document"], message: "Choose the file to import." });
    if (value.template !== IMPORTED_PLAN && value.document !== undefined) ctx.addIssue({ code: "custom", path: ["document"], message: 'A document is only accepted with template "import".' });
  });

export const updateProjectInput = z.lazy(() =>
  partialWithoutDefaults({ ...projectFields.shape, status: z.enum(PROJECT_STATUSES) })
    .strict()
    .superRefine(checkWindow),
);

const projectRole = z.enum(PROJECT_ROLES, { error: "Choose Viewer or Operator." });

export const addProjectMemberInput = z.object({ userId: id, role: projectRole }).strict();
export const updateProjectMemberInput = z.object({ role: projectRole }).strict();
export const projectSettingsInput = z.object({ projectVisibility: z.enum(PROJECT_VISIBILITIES, { error: "Choose members or all." }) }).strict();

// ---------------------------------------------------------------- responses (the API description)

/** A member as added or changed. */
export const projectMemberResult = z.object({ userId: z.string(), role: z.enum(PROJECT_ROLES) });

/** Removing a member: `ok` is false when they weren't a member (nothing changed). */
export const projectMemberRemovedResult = z.object({ ok: z.boolean() });

// A string, not the enum: the service answers the stored setting's value as it reads it.
export const projectSettingsResult = z.object({ projectVisibility: z.string().describe(`${PROJECT_VISIBILITIES.map((v) => `"${v}"`).join(" or ")}: who sees a project besides admins.`) });

/** A presence heartbeat: false when the server doesn't know this tab (its live stream isn't open here), so the page reconnects. */
export const presenceResult = z.object({ known: z.boolean() });
