import { route } from "@/lib/platform/http/route";
import { canManageSettings } from "@/lib/platform/auth/permissions";
import { updateProjectSettings } from "@/lib/projects/members";
import { projectSettingsInput, projectSettingsResult } from "@/lib/projects/schemas";

/** Installation settings (admins): whether viewers and operators see only their projects or all. */
export const PATCH = route({ summary: "Change installation settings (project visibility)", response: projectSettingsResult, allow: canManageSettings, forbidden: "Only admins can change settings.", body: projectSettingsInput }, async ({ user, body }) => updateProjectSettings({ actor: user, input: body }));
