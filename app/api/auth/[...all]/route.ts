import { toNextJsHandler } from "better-auth/next-js";
import { authFor } from "@/lib/platform/auth/auth";
import { isAuthPathInUse } from "@/lib/platform/auth/endpoints";
import { errorResponse, withBoundedBody } from "@/lib/platform/http/route";

const notFound = () => Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });

/** Sign-in and sign-out bodies are a few hundred bytes; anything near this is not a browser signing in. */
const AUTH_MAX_BODY_BYTES = 16 * 1024;

// Only the endpoints the product uses reach the auth library (lib/platform/auth/endpoints.ts),
// through the instance whose cookies fit the request's protocol (authFor), with a body read under
// the cap (413 otherwise), never the unbounded stream.
const handle = (method: "GET" | "POST") => async (request: Request) => {
  if (!isAuthPathInUse(request.url)) return notFound();
  try {
    const bounded = await withBoundedBody(request, AUTH_MAX_BODY_BYTES);
    return await toNextJsHandler(authFor(request.headers, request.url))[method](bounded);
  } catch (error) {
    return errorResponse(error);
  }
};

export const GET = handle("GET");
export const POST = handle("POST");
