import { NextResponse, type NextRequest } from "next/server";
import { requestProtocol } from "@/lib/platform/http/client-address";
import { createNonce, pageSecurityHeaders } from "@/lib/platform/http/security-headers.mjs";

/**
 * Every page gets its own Content-Security-Policy nonce. Next.js reads it from the request's CSP
 * header (set here) and puts it on the scripts it renders; the same policy goes out on the
 * response. API routes, static files and the service worker get a fixed policy from
 * next.config.js instead (see lib/platform/http/security-headers.mjs), so the sign-off hot path
 * doesn't pay for this function.
 */
export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const headers = pageSecurityHeaders({
    nonce,
    https: requestProtocol(request.headers, request.url) === "https",
    dev: process.env.NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  // Overwrites whatever the client sent under these names.
  requestHeaders.set("content-security-policy", headers.find((header) => header.key === "Content-Security-Policy")!.value);
  requestHeaders.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const { key, value } of headers) response.headers.set(key, value);
  return response;
}

export const config = {
  // Everything but API routes, Next's static files and the service worker (next.config.js covers those).
  matcher: ["/((?!api/|_next/static/|_next/image|sw\\.js$).*)"],
};
