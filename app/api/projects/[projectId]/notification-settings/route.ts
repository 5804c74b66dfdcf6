import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canSetProjectLead } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { updateProjectNotificationSettings } from "@/lib/notifications/service";
import { projectNotificationSettingsInput, projectNotificationSettingsResult } from "@/lib/notifications/schemas";

/** The project's lead (who gets escalations; null: the project's creator) and its overdue threshold. */
export const PUT = route(
  {
    allow: canSetProjectLead,
    params: z.strictObject({ projectId: id }),
    body: projectNotificationSettingsInput,
    response: projectNotificationSettingsResult,
    summary: "Sets the project's lead (who receives escalations) and when a step counts as overdue",
  },
  async ({ user, params, body }) => updateProjectNotificationSettings({ actor: user, projectId: params.projectId, input: body }),
);
