import { buildOpenApiDocument, type OpenApiDocument, type RouteModuleEntry } from "@/lib/platform/http/openapi";
import { EXCLUDED_ROUTES, MANUAL_OPERATIONS } from "@/lib/platform/http/openapi-manual";
import packageJson from "@/package.json";
import { ROUTE_MODULES } from "./route-index";

let cached: OpenApiDocument | null = null;

/** The API description, built once per process; `self` is /api/openapi.json's own module (it can't import itself through the index). */
export function getOpenApiDocument(self: RouteModuleEntry["module"]): OpenApiDocument {
  cached ??= buildOpenApiDocument({ routes: [...ROUTE_MODULES, { pattern: "/api/openapi.json", module: self }], manual: MANUAL_OPERATIONS, excluded: EXCLUDED_ROUTES, version: packageJson.version });
  return cached;
}
