import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageStakeholderUpdates } from "@/lib/platform/auth/permissions";
import { requestOrigin } from "@/lib/platform/http/client-address";
import { id } from "@/lib/platform/validation";
import { stakeholderSettingsInput, stakeholderSettingsResponse } from "@/lib/stakeholders/schemas";
import { getStakeholderSettings, saveStakeholderSettings } from "@/lib/stakeholders/service";

export const dynamic = "force-dynamic";

const params = z.object({ runId: id }).strict();
const forbidden = "Only admins can manage stakeholder updates.";

export const GET = route(
  { allow: canManageStakeholderUpdates, forbidden, params, response: stakeholderSettingsResponse, summary: "A run's stakeholder update settings (recipients, channels, interval, templates, next due time)" },
  async ({ user, params }) => getStakeholderSettings({ actor: user, runId: params.runId }),
);

export const PUT = route(
  { allow: canManageStakeholderUpdates, forbidden, params, body: stakeholderSettingsInput, response: stakeholderSettingsResponse, summary: "Save a run's stakeholder update settings (audited)" },
  async ({ user, params, body, request }) =>
    saveStakeholderSettings({ actor: user, runId: params.runId, input: body, linkBase: requestOrigin(request.headers, request.url) ?? new URL(request.url).origin }),
);
