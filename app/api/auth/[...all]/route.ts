import { toNextJsHandler } from "better-auth/next-js";
import { authFor, CLIENT_ADDRESS_HEADER } from "@/lib/platform/auth/auth";
import { setAuthEventRecorder } from "@/lib/platform/auth/auth-events";
import { isAuthPathInUse, withBrowserOrigin } from "@/lib/platform/auth/endpoints";
import { clientAddress } from "@/lib/platform/http/client-address";
import { errorResponse, withBoundedBody } from "@/lib/platform/http/route";
import { recordAuthEvent } from "@/lib/users/auth-audit";

// Sign-ins and sign-outs go on the audit chain.
setAuthEventRecorder(recordAuthEvent);

const notFound = () => Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });

/** Sign-in and sign-out bodies are a few hundred bytes; anything near this is not a browser signing in. */
const AUTH_MAX_BODY_BYTES = 16 * 1024;

/** The request as the library should see it: the client's address in our header, never a client-sent one. */
function withClientAddress(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.set(CLIENT_ADDRESS_HEADER, clientAddress(request.headers));
  return new Request(request, { headers });
}

// Only the endpoints the product uses reach the auth library (lib/platform/auth/endpoints.ts),
// through the instance whose cookies fit the request's protocol (authFor), at the address the
// browser used, with the client's address, and with a body read under the cap (413 otherwise).
const handle = (method: "GET" | "POST") => async (request: Request) => {
  if (!isAuthPathInUse(request.url)) return notFound();
  try {
    const bounded = await withBoundedBody(request, AUTH_MAX_BODY_BYTES);
    return await toNextJsHandler(authFor(request.headers, request.url))[method](withClientAddress(withBrowserOrigin(bounded)));
  } catch (error) {
    return errorResponse(error);
  }
};

export const GET = handle("GET");
export const POST = handle("POST");
