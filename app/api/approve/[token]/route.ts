import { publicRoute } from "@/lib/platform/http/route";
import { clientAddress } from "@/lib/platform/http/client-address";
import { checkApprovalRateLimit, decideByApprovalLink } from "@/lib/notifications/approval-links";
import { approvalDecisionInput, approvalDecisionResult, approvalTokenParams } from "@/lib/notifications/schemas";

/**
 * Signed out by design: the one-time token from a "gate waiting" email is the credential, bound to
 * one approver and one gate. Only this POST decides; opening the link (the /approve page) never does.
 */
export const POST = publicRoute(
  { params: approvalTokenParams, body: approvalDecisionInput, response: approvalDecisionResult, summary: "Decides a gate with a one-time approval link from email" },
  async ({ params, body, request }) => {
    await checkApprovalRateLimit({ address: clientAddress(request.headers) });
    const result = await decideByApprovalLink({ token: params.token, input: body });
    return { status: result.status };
  },
);
