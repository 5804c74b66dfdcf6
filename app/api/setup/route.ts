import { errorResponse } from "@/lib/platform/http/route";
import { ValidationError } from "@/lib/platform/errors";
import { createFirstAdmin } from "@/lib/users/service";
import { fieldErrorsOf, firstAdminInput } from "@/lib/platform/validation";

/** First-run: creates the first admin. Unauthenticated by design, and refuses once any user exists. */
export async function POST(request: Request) {
  try {
    const parsed = firstAdminInput.safeParse(await request.json().catch(() => null));
    if (!parsed.success) throw new ValidationError("Please correct the highlighted fields.", fieldErrorsOf(parsed.error));
    const user = await createFirstAdmin({ input: parsed.data });
    return Response.json({ id: user.id });
  } catch (error) {
    return errorResponse(error);
  }
}
