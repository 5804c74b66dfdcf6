import "server-only";
import { z } from "zod";
import { DEFAULT_MAX_BODY_BYTES, ROUTE_SPEC, type RouteSpec } from "./route";

/**
 * The API description, OpenAPI 3.1, generated from the routes themselves: every handler built by
 * route() or publicRoute() carries its zod schemas (ROUTE_SPEC), and zod's own JSON Schema output
 * (draft 2020-12, which OpenAPI 3.1 uses) describes them. Nothing is written by hand per route, so
 * the description can't drift from what the server parses.
 */

export const HTTP_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One route file: its URL pattern ("/api/runs/[runId]/plan") and its module's exports. */
export interface RouteModuleEntry {
  pattern: string;
  module: Partial<Record<HttpMethod, unknown>>;
}

/** Routes served by something else than route(): described here by hand, with why. */
export interface ManualOperation {
  path: string;
  method: Lowercase<HttpMethod>;
  operation: Record<string, unknown>;
}

export function routeSpecOf(handler: unknown): RouteSpec | null {
  if (typeof handler !== "function") return null;
  return ((handler as unknown as Record<symbol, RouteSpec | undefined>)[ROUTE_SPEC] as RouteSpec | undefined) ?? null;
}

/** "/api/runs/[runId]/plan" → "/api/runs/{runId}/plan". */
export function openApiPath(pattern: string): string {
  return pattern.replace(/\[([A-Za-z0-9_]+)\]/g, "{$1}");
}

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "fieldErrors"],
      properties: {
        code: {
          type: "string",
          description: "What kind of refusal (lib/platform/errors.ts): invalid_input, unauthenticated, forbidden, not_found, conflict, needs_confirmation, too_large, rate_limited, busy, storage, internal.",
        },
        message: { type: "string", description: "What a person should read." },
        fieldErrors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: 'Field path ("rows.7", "windowEnd") → messages.' },
        current: { description: "With conflict and needs_confirmation: the resource's state now (a step run, the fleet counts…), so a client can show it before retrying." },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

/** A zod schema as JSON Schema for what a client SENDS (input) or RECEIVES (output). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query"): Record<string, unknown>[] {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" ? true : (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, "")
    .split("/")
    .map((part) => (part.startsWith("{") ? `by-${part.slice(1, -1)}` : part))
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0].toUpperCase() + w.slice(1))].join("");
}

/** The 2xx answer: a JSON schema, or a content type and what it holds (files, CSV, event streams). */
function successResponse(spec: RouteSpec): Record<string, unknown> {
  if (spec.response) return { description: spec.responseDescription ?? "Done.", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } };
  if (spec.responseContentType) {
    const schema = spec.responseContentType.startsWith("application/json") ? { type: "object" } : spec.responseContentType.startsWith("text/") ? { type: "string" } : { type: "string", format: "binary" };
    return { description: spec.responseDescription ?? "Done.", content: { [spec.responseContentType]: { schema } } };
  }
  return { description: spec.responseDescription ?? "Done (not described)." };
}

/**
 * The error answers a route can give, each only where the pipeline (or the route's kind) can
 * produce it: 400 only when there is something to parse, 401/403/429 only behind sign-in, 404 when
 * the path names a resource, 409/503 for changes, 413 when a body is read.
 */
function errorResponses(method: HttpMethod, spec: RouteSpec): Record<string, unknown> {
  const parses = Boolean(spec.params || spec.query || spec.body || spec.bodyDescription);
  const changes = method !== "GET";
  const readsBody = Boolean(spec.body || spec.bodyDescription);
  const signedIn = spec.access === "signed-in";
  return {
    ...(parses || changes ? { "400": errorResponse("The request is invalid; `fieldErrors` names each field. Nothing was changed.") } : {}),
    ...(signedIn
      ? {
          "401": errorResponse("Not signed in, or the session or token is expired or revoked."),
          "403": errorResponse("Signed in, but the role (or the token's scope) may not do this; or a cross-site request."),
        }
      : changes
        ? { "403": errorResponse("Cross-site request refused (Origin is not this app's).") }
        : {}),
    ...(signedIn && spec.params ? { "404": errorResponse("No such resource, or it isn't visible to the caller.") } : {}),
    ...(changes ? { "409": errorResponse("The resource is in another state (already signed off, run ended, changed by someone else…). Nothing was changed; `error.current` may hold its state now.") } : {}),
    ...(readsBody ? { "413": errorResponse(`The body is larger than ${Math.round((spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) / 1024)} kB. Nothing was changed.`) } : {}),
    ...(signedIn ? { "429": errorResponse("Too many requests with this API token; the Retry-After header says when to try again.") } : {}),
    ...(changes ? { "503": errorResponse("The database is busy. Nothing was changed; retry after the Retry-After header's seconds.") } : {}),
  };
}

function operationFor(method: HttpMethod, path: string, spec: RouteSpec): Record<string, unknown> {
  const tag = path.split("/")[2] ?? "api";
  const operation: Record<string, unknown> = {
    operationId: operationId(method, path),
    tags: [tag],
    summary: spec.summary ?? `${method} ${path}`,
    parameters: [...parametersOf(spec.params, "path"), ...parametersOf(spec.query, "query")],
    responses: { "200": successResponse(spec), ...errorResponses(method, spec) },
    // Either credential: a browser session, or an API token (Authorization: Bearer rs_live_…).
    security: spec.access === "signed-in" ? [{ sessionCookie: [] }, { bearerToken: [] }] : [],
  };
  if (spec.body) {
    operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } };
  } else if (spec.bodyDescription) {
    operation.requestBody = { required: true, description: spec.bodyDescription, content: { "multipart/form-data": { schema: { type: "object" } } } };
  }
  return operation;
}

/** How the description describes itself: an OpenAPI 3.1 document (its own schema is the OpenAPI specification's). */
export const openApiDocumentResult = z
  .object({ openapi: z.literal("3.1.0"), info: z.record(z.string(), z.unknown()), paths: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))), components: z.record(z.string(), z.unknown()) })
  .catchall(z.unknown())
  .describe("An OpenAPI 3.1 document: https://spec.openapis.org/oas/v3.1.0");

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The document for the given route modules. A module export that wasn't built by route() or
 * publicRoute() is an error here (the test calls this for every route file), unless the route is
 * in `excluded` with a reason.
 */
export function buildOpenApiDocument(options: { routes: readonly RouteModuleEntry[]; manual?: readonly ManualOperation[]; excluded?: Record<string, string>; version: string }): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const { pattern, module } of options.routes) {
    if (options.excluded?.[pattern]) continue;
    const path = openApiPath(pattern);
    for (const method of HTTP_METHODS) {
      const handler = module[method];
      if (handler === undefined) continue;
      const spec = routeSpecOf(handler);
      if (!spec) throw new Error(`${method} ${pattern} is not built by route() or publicRoute(), and has no manual entry.`);
      (paths[path] ??= {})[method.toLowerCase()] = operationFor(method, path, spec);
    }
  }
  for (const manual of options.manual ?? []) (paths[manual.path] ??= {})[manual.method] = manual.operation;
  return {
    openapi: "3.1.0",
    info: {
      title: "Runsheet API",
      version: options.version,
      description:
        "Every route the Runsheet web app uses. Requests are JSON unless stated. A browser session (the httpOnly cookie set by sign-in) or an API token (`Authorization: Bearer rs_live_…`) authenticates; unsafe methods with a session must come from the app's own origin. Errors are `{ error: { code, message, fieldErrors } }`, and a refused change leaves the database as it was.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        sessionCookie: { type: "apiKey", in: "cookie", name: "better-auth.session_token", description: "Set by POST /api/auth/sign-in/email (the `__Secure-` prefixed name over HTTPS). Unsafe methods must come from the app's own origin." },
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description: "An API token (rs_live_…) made on the account page: it acts as its owner, capped by its scope (read, operate, admin) and its projects. No Origin check; 600 requests a minute by default.",
        },
      },
    },
  };
}
