import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageStakeholderUpdates } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { stakeholderLogResponse } from "@/lib/stakeholders/schemas";
import { listStakeholderUpdates } from "@/lib/stakeholders/service";

export const dynamic = "force-dynamic";

/** The run's sent updates, newest first, with each email's delivery state. */
export const GET = route(
  { allow: canManageStakeholderUpdates, forbidden: "Only admins can manage stakeholder updates.", params: z.object({ runId: id }).strict(), response: stakeholderLogResponse, summary: "The stakeholder updates sent for a run" },
  async ({ user, params }) => listStakeholderUpdates({ actor: user, runId: params.runId }),
);
