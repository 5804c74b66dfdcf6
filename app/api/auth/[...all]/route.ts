import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/platform/auth/auth";
import { isAuthPathInUse } from "@/lib/platform/auth/endpoints";

const handlers = toNextJsHandler(auth);
const notFound = () => Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });

// Only the endpoints the product uses reach the auth library (lib/platform/auth/endpoints.ts).
export const GET = (request: Request) => (isAuthPathInUse(request.url) ? handlers.GET(request) : notFound());
export const POST = (request: Request) => (isAuthPathInUse(request.url) ? handlers.POST(request) : notFound());
