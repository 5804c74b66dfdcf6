/**
 * The API description (/api/openapi.json): every route file under app/api is in it (or excluded
 * with a reason), every operation carries the schemas its route parses, and the document is valid
 * OpenAPI 3.1 according to a kept validator (@seriousme/openapi-schema-validator).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { loadApiRoutes, type ApiRoute } from "./helpers/http-routes";

let db: TestDatabase;
let routes: ApiRoute[];
let document: Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };
let indexed: string[];
let excluded: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase("openapi");
  routes = await loadApiRoutes();
  const index = await import("@/app/api/openapi.json/route-index");
  indexed = index.ROUTE_MODULES.map((r) => r.pattern);
  excluded = (await import("@/lib/platform/http/openapi-manual")).EXCLUDED_ROUTES;
  const { GET } = await import("@/app/api/openapi.json/route");
  const response = await GET(new Request("http://runsheet.test/api/openapi.json"), { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  document = await response.json();
}, 60_000);
afterAll(async () => db?.close());

const pathOf = (pattern: string) => pattern.replace(/\[([A-Za-z0-9_]+)\]/g, "{$1}");

describe("the API description", () => {
  it("indexes every route file under app/api, and nothing that is gone", () => {
    const files = routes.map((r) => r.pattern).filter((p) => p !== "/api/openapi.json");
    expect([...indexed].sort(), "app/api/openapi.json/route-index.ts is out of date: run `npm run api:index`").toEqual([...files].sort());
  });

  it("describes every method of every route, except the excluded ones, each of which says why", () => {
    const missing: string[] = [];
    for (const route of routes) {
      if (excluded[route.pattern]) continue;
      for (const method of Object.keys(route.methods)) {
        if (!document.paths[pathOf(route.pattern)]?.[method.toLowerCase()]) missing.push(`${method} ${route.pattern}`);
      }
    }
    expect(missing).toEqual([]);
    for (const reason of Object.values(excluded)) expect(reason.length).toBeGreaterThan(20);
    // The sign-in the excluded catch-all serves is described by hand.
    expect(document.paths["/api/auth/sign-in/email"]?.post).toBeDefined();
  });

  it("carries each route's own schemas: a strict body's fields, path parameters, query parameters", () => {
    const importOp = document.paths["/api/projects/{projectId}/import"].post as { parameters: { name: string; in: string }[]; requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties?: unknown } }> } };
    expect(importOp.parameters).toContainEqual(expect.objectContaining({ name: "projectId", in: "path" }));
    const body = importOp.requestBody.content["application/json"].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(["fileName", "csv", "base64", "dryRun", "options"]));
    expect(body.additionalProperties).toBe(false);
    const recalibrate = document.paths["/api/projects/{projectId}/recalibrate"].get as { parameters: { name: string; in: string }[] };
    expect(recalibrate.parameters.filter((p) => p.in === "query").map((p) => p.name).sort()).toEqual(["basis", "runs"]);
    const evidence = document.paths["/api/runs/{runId}/steps/{stepId}/evidence"].post as { requestBody?: { content: Record<string, unknown> } };
    expect(Object.keys(evidence.requestBody?.content ?? {})).toEqual(["multipart/form-data"]);
  });

  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

describe("responses", () => {
  it("describes what a step action answers, from the same schema the service's type comes from", () => {
    const op = document.paths["/api/runs/{runId}/steps/{stepId}/actions"].post as { responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> }> };
    const schema = op.responses["200"].content!["application/json"].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(["finishedAt", "replayed", "runId", "signedOffBy", "startedAt", "status", "stepId", "version"]);
    expect(schema.required).not.toContain("replayed");
  });
});
