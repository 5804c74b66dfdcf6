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
let undescribed: Record<string, string>;

beforeAll(async () => {
  db = await openTestDatabase("openapi");
  routes = await loadApiRoutes();
  const index = await import("@/app/api/openapi.json/route-index");
  indexed = index.ROUTE_MODULES.map((r) => r.pattern);
  ({ EXCLUDED_ROUTES: excluded, UNDESCRIBED_RESPONSES: undescribed } = await import("@/lib/platform/http/openapi-manual"));
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

type Operation = { responses: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }> };
const operations = () => Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Operation })));

describe("responses", () => {
  it("every operation but the listed exceptions says what its 2xx answer is: a JSON schema, or another content type", () => {
    const undescribedNow: string[] = [];
    for (const { key, op } of operations()) {
      const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      const described = ok.some(([, response]) =>
        Object.entries(response.content ?? {}).some(([type, media]) => (type.startsWith("application/json") ? Object.keys(media.schema ?? {}).length > 0 : true)),
      );
      if (!described) undescribedNow.push(key);
    }
    expect(undescribedNow.sort(), "describe the answer (route({ response }) or responseContentType), or list it in UNDESCRIBED_RESPONSES with why").toEqual(Object.keys(undescribed).sort());
    for (const reason of Object.values(undescribed)) expect(reason.length).toBeGreaterThan(20);
  });

  it("error answers reference the one Error schema, and only the statuses a route can give", () => {
    const error = (document.components as { schemas: Record<string, { properties: { error: { required: string[]; properties: Record<string, unknown> } } }> }).schemas.Error;
    expect(error.properties.error.required).toEqual(["code", "message", "fieldErrors"]);
    for (const { key, op } of operations()) {
      if (key.startsWith("POST /api/auth/")) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        expect(response.content?.["application/json"]?.schema, `${key} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
    const statuses = (key: string) => Object.keys(operations().find((o) => o.key === key)!.op.responses).sort();
    // A read of your own tokens: no path to miss, no body, no change.
    expect(statuses("GET /api/tokens")).toEqual(["200", "401", "403", "429"]);
    // A change to a named resource with a body: everything the pipeline can answer.
    expect(statuses("PATCH /api/steps/{stepId}")).toEqual(["200", "400", "401", "403", "404", "409", "413", "429", "503"]);
    // Public, with a body: no sign-in statuses.
    expect(statuses("POST /api/password-reset")).toEqual(["200", "400", "403", "409", "413", "503"]);
  });

  it("declares the content type of answers that aren't JSON objects", () => {
    const op = (key: string) => operations().find((o) => o.key === key)!.op;
    expect(Object.keys(op("GET /api/runs/{runId}/export/csv").responses["200"].content!)).toEqual(["text/csv"]);
    expect(Object.keys(op("GET /api/runs/{runId}/fleet/{stepId}/hostnames").responses["200"].content!)).toEqual(["text/plain"]);
    expect(op("GET /api/attachments/{attachmentId}").responses["200"].description).toMatch(/content type recorded/);
  });

  it("describes what a list answers, field by field (the token list)", () => {
    const schema = operations().find((o) => o.key === "GET /api/tokens")!.op.responses["200"].content!["application/json"].schema as {
      properties: { tokens: { type: string; items: { properties: Record<string, unknown>; additionalProperties: boolean } } };
    };
    expect(schema.properties.tokens.type).toBe("array");
    expect(Object.keys(schema.properties.tokens.items.properties)).toEqual(expect.arrayContaining(["id", "name", "scope", "expiresAt", "state"]));
    expect(Object.keys(schema.properties.tokens.items.properties)).not.toContain("secret");
    expect(schema.properties.tokens.items.additionalProperties).toBe(false);
  });

  it("describes what a step action answers, from the same schema the service's type comes from", () => {
    const op = document.paths["/api/runs/{runId}/steps/{stepId}/actions"].post as { responses: Record<string, { content?: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> }> };
    const schema = op.responses["200"].content!["application/json"].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(["finishedAt", "replayed", "runId", "signedOffBy", "startedAt", "status", "stepId", "version"]);
    expect(schema.required).not.toContain("replayed");
  });
});

describe("the reference page (/api-docs)", () => {
  it("shows each operation's answer fields, nested ones by path, and the content type of the others", async () => {
    const { createElement } = await import("react");
    const { renderToStaticMarkup } = await import("react-dom/server");
    const { ApiReference, apiOperationsOf } = await import("@/components/api/api-reference");
    const operations = apiOperationsOf(document);
    const tokens = operations.find((o) => o.method === "GET" && o.path === "/api/tokens")!;
    expect(tokens.response?.contentType).toBe("application/json");
    const html = renderToStaticMarkup(createElement(ApiReference, { operations }));
    const section = (path: string, method: string) => {
      const start = html.indexOf(`>${method}</span><code class="font-mono text-sm [overflow-wrap:anywhere]">${path}</code>`);
      expect(start, `${method} ${path}`).toBeGreaterThan(-1);
      return html.slice(start, html.indexOf("</details>", start));
    };
    const tokenList = section("/api/tokens", "GET");
    expect(tokenList).toContain("Answer (application/json)");
    for (const field of ["tokens[].name", "tokens[].scope", "tokens[].owner.name"]) expect(tokenList).toContain(`>${field}<`);
    expect(tokenList).toContain("one of: READ, OPERATE, ADMIN");
    // A union answer (preview or result) shows both shapes.
    const importSteps = section("/api/projects/{projectId}/import", "POST");
    expect(importSteps).toContain("shape 1 of 2");
    expect(importSteps).toContain(">steps[].title<");
    expect(importSteps).toContain(">stepCount<");
    expect(section("/api/runs/{runId}/export/csv", "GET")).toContain("Answer (text/csv): A download");
  });
});
