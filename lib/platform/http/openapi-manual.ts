import type { ManualOperation } from "./openapi";

/**
 * The routes not built by route(): the two auth-library endpoints the product uses (every other
 * one answers 404, lib/platform/auth/endpoints.ts), and the benchmark's floor, which exists only
 * with RUNSHEET_BENCH=1.
 */
export const EXCLUDED_ROUTES: Record<string, string> = {
  "/api/auth/[...all]": "The auth library's catch-all; its two endpoints in use are described by hand.",
  "/api/bench/floor": "Benchmark only (RUNSHEET_BENCH=1); 404 in every deployment.",
};

/**
 * Operations whose 2xx answer the description doesn't give a schema or content type, each with
 * why (tests/unit/openapi.test.ts fails for any other).
 */
export const UNDESCRIBED_RESPONSES: Record<string, string> = {
  "POST /api/auth/sign-in/email": "Answered by the auth library (better-auth); what matters to a client is the Set-Cookie header.",
  "POST /api/auth/sign-out": "Answered by the auth library (better-auth); what matters to a client is the cleared cookie.",
};

const authError = { description: "Refused (wrong email or password, throttled, SSO-only account…)", content: { "application/json": { schema: { type: "object" } } } };

export const MANUAL_OPERATIONS: ManualOperation[] = [
  {
    path: "/api/auth/sign-in/email",
    method: "post",
    operation: {
      operationId: "postAuthSignInEmail",
      tags: ["auth"],
      summary: "Sign in with email and password; sets the session cookie",
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { type: "object", required: ["email", "password"], properties: { email: { type: "string", format: "email" }, password: { type: "string" } }, additionalProperties: false },
          },
        },
      },
      responses: { "200": { description: "Signed in; the Set-Cookie header carries the session." }, "401": authError, "429": authError },
      security: [],
    },
  },
  {
    path: "/api/auth/sign-out",
    method: "post",
    operation: {
      operationId: "postAuthSignOut",
      tags: ["auth"],
      summary: "Sign out: ends this session",
      responses: { "200": { description: "Signed out; the cookie is cleared." } },
      security: [{ sessionCookie: [] }],
    },
  },
];
