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
        code: { type: "string", description: "validation_error, unauthenticated, forbidden, not_found, conflict, payload_too_large, busy, internal_error…" },
        message: { type: "string", description: "What a person should read." },
        fieldErrors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: 'Field path ("rows.7", "windowEnd") → messages.' },
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

function operationFor(method: HttpMethod, path: string, spec: RouteSpec): Record<string, unknown> {
  const tag = path.split("/")[2] ?? "api";
  const operation: Record<string, unknown> = {
    operationId: operationId(method, path),
    tags: [tag],
    summary: spec.summary ?? `${method} ${path}`,
    parameters: [...parametersOf(spec.params, "path"), ...parametersOf(spec.query, "query")],
    responses: {
      "200": spec.response
        ? { description: "Done.", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } }
        : { description: "Done. A JSON object (or a file, for exports)." },
      "400": errorResponse("The request is invalid; `fieldErrors` names each field. Nothing was changed."),
      ...(spec.access === "signed-in"
        ? {
            "401": errorResponse("Not signed in, or the session or token is expired or revoked."),
            "403": errorResponse("Signed in, but the role (or the token's scope) may not do this."),
            "404": errorResponse("No such resource, or it isn't visible to the caller."),
          }
        : {}),
      "409": errorResponse("The resource is in another state (already signed off, run ended…). Nothing was changed."),
      "413": errorResponse(`The body is larger than ${Math.round((spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES) / 1024)} kB.`),
    },
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
