import { toNextJsHandler } from "better-auth/next-js";
import { authFor } from "@/lib/platform/auth/auth";
import { isAuthPathInUse, withBrowserOrigin } from "@/lib/platform/auth/endpoints";

const notFound = () => Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });

// Only the endpoints the product uses reach the auth library (lib/platform/auth/endpoints.ts),
// through the instance whose cookies fit the request's protocol (authFor).
const handle = (method: "GET" | "POST") => (request: Request) =>
  isAuthPathInUse(request.url) ? toNextJsHandler(authFor(request.headers, request.url))[method](withBrowserOrigin(request)) : notFound();

export const GET = handle("GET");
export const POST = handle("POST");
