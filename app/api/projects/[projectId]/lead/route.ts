import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canSetProjectLead } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { setProjectLead } from "@/lib/notifications/service";
import { projectLeadInput, projectLeadResult } from "@/lib/notifications/schemas";

/** Who gets escalations of unacknowledged "you're up" and "overdue" notifications (null: the project's creator). */
export const PUT = route(
  { allow: canSetProjectLead, params: z.strictObject({ projectId: id }), body: projectLeadInput, response: projectLeadResult, summary: "Sets the project's lead, who receives escalations" },
  async ({ user, params, body }) => setProjectLead({ actor: user, projectId: params.projectId, input: body }),
);
