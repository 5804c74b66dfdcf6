import { route } from "@/lib/platform/http/route";
import { changeOwnPassword } from "@/lib/users/passwords";
import { changePasswordInput } from "@/lib/users/schemas";

export const POST = route({ body: changePasswordInput }, async ({ user, body }) => changeOwnPassword({ actor: user, currentSessionId: user.sessionId, input: body }));
