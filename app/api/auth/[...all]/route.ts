import { toNextJsHandler } from "better-auth/next-js";
import { authFor, CLIENT_ADDRESS_HEADER } from "@/lib/platform/auth/auth";
import { setAuthEventRecorder } from "@/lib/platform/auth/auth-events";
import { isAuthPathInUse, withBrowserOrigin } from "@/lib/platform/auth/endpoints";
import { clientAddress } from "@/lib/platform/http/client-address";
import { recordAuthEvent } from "@/lib/users/auth-audit";

// Sign-ins and sign-outs go on the audit chain.
setAuthEventRecorder(recordAuthEvent);

const notFound = () => Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });

/** The request as the library should see it: the client's address in our header, never a client-sent one. */
function withClientAddress(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.set(CLIENT_ADDRESS_HEADER, clientAddress(request.headers));
  return new Request(request, { headers });
}

// Only the endpoints the product uses reach the auth library (lib/platform/auth/endpoints.ts),
// through the instance whose cookies fit the request's protocol (authFor).
const handle = (method: "GET" | "POST") => (request: Request) =>
  isAuthPathInUse(request.url) ? toNextJsHandler(authFor(request.headers, request.url))[method](withClientAddress(withBrowserOrigin(request))) : notFound();

export const GET = handle("GET");
export const POST = handle("POST");
