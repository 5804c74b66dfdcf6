/**
 * The app's route handlers (app/api/**\/route.ts), called in-process with real Requests against
 * the test's SQLite file, as the Next.js server would call them: the route list comes from the
 * file tree, so a new route is covered by the tests that walk it without editing them.
 */
import fs from "node:fs";
import path from "node:path";

export const ORIGIN = "http://runsheet.test";
const API_DIR = path.resolve(__dirname, "../../../app/api");
const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export interface ApiRoute {
  /** "/api/runs/[runId]/steps/[stepId]/actions" */
  pattern: string;
  params: string[];
  methods: Partial<Record<Method, Handler>>;
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** Every route module under app/api with the HTTP methods it exports. */
export async function loadApiRoutes(): Promise<ApiRoute[]> {
  const routes: ApiRoute[] = [];
  for (const file of routeFiles(API_DIR).sort()) {
    const relative = path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/");
    const pattern = `/api/${relative}`;
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const methods: ApiRoute["methods"] = {};
    for (const method of METHODS) if (typeof mod[method] === "function") methods[method] = mod[method] as Handler;
    const params = [...pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]);
    routes.push({ pattern, params, methods });
  }
  return routes;
}

/** The concrete path of a route pattern with these parameter values. */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_, catchAll: string | undefined, name: string) => {
    const value = values[name] ?? "none";
    return catchAll ? value.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(value);
  });
}

export interface CallOptions {
  cookie?: string;
  body?: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  /** false: no Origin header (a script or a cross-site form) */
  origin?: string | false;
  query?: string;
  /** Aborts the request (a live stream's client going away). */
  signal?: AbortSignal;
}

/** Calls a route handler the way the server does, with a same-origin browser's headers unless told otherwise. */
export async function callRoute(route: ApiRoute, method: Method, values: Record<string, string>, options: CallOptions = {}): Promise<Response> {
  const handler = route.methods[method];
  if (!handler) throw new Error(`${route.pattern} has no ${method}`);
  const headers: Record<string, string> = { host: "runsheet.test", ...(options.headers ?? {}) };
  if (options.origin !== false && method !== "GET") headers.origin = options.origin ?? ORIGIN;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const url = `${ORIGIN}${fillPattern(route.pattern, values)}${options.query ? `?${options.query}` : ""}`;
  const init: RequestInit & { duplex?: "half" } = { method, headers, body: method === "GET" ? undefined : options.body, signal: options.signal };
  if (options.body instanceof ReadableStream) init.duplex = "half";
  const request = new Request(url, init);
  const params = Object.fromEntries(Object.entries(values).filter(([key]) => route.params.includes(key)));
  return handler(request, { params: Promise.resolve(params) });
}

/** Signs in through the real auth route and returns the Cookie header a browser would send. */
export async function signIn(routes: ApiRoute[], user: { email: string; password: string }): Promise<string> {
  const auth = routes.find((r) => r.pattern === "/api/auth/[...all]")!;
  const request = new Request(`${ORIGIN}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, host: "runsheet.test" },
    body: JSON.stringify(user),
  });
  const response = await auth.methods.POST!(request, { params: Promise.resolve({ all: ["sign-in", "email"] }) });
  if (response.status !== 200) throw new Error(`sign-in of ${user.email} answered ${response.status}: ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}
