import "server-only";
import { z } from "zod";
import { AppError, ForbiddenError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from "../errors";
import { requestOrigin } from "./client-address";
import { getUserFromRequest, type CurrentUser } from "../auth/session";
import { hasBearerCredential, runWithTokenCredential } from "../auth/api-tokens";
import { fieldErrorsOf } from "../validation";

/** What a JSON body may weigh unless a route says otherwise: every form in the app sends a few kB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

interface RouteSchemas<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType, RS extends z.ZodType = z.ZodType> {
  params?: PS;
  /** The query string, as a flat object of strings; a strict schema refuses unknown parameters. */
  query?: QS;
  body?: BS;
  /**
   * The largest request body this route accepts (default 1 MB); larger ones get 413 before they
   * are read whole. Imports and uploads set their own (a function when it depends on configuration).
   */
  maxBodyBytes?: number | (() => number);
  /**
   * For the API description (/api/openapi.json): what a JSON 2xx answer holds, and a one-line
   * summary. Not parsed at run time (that would cost every request); the compiler holds the
   * handler's return value to it (ResponseValue), and tests/unit/openapi-responses.integration.test.ts
   * checks real answers against it.
   */
  response?: RS;
  summary?: string;
  /** A body that isn't JSON (multipart uploads): described, not parsed by the wrapper. */
  bodyDescription?: string;
  /** An answer that isn't JSON (a CSV, a file, an event stream): its content type and what it holds. */
  responseContentType?: string;
  responseDescription?: string;
}

/**
 * What a handler may return for a declared `response`: the schema's output as it is before JSON
 * encoding, where a Date stands for the ISO string Response.json writes for it. A handler may also
 * answer with its own Response (a file, a stream).
 */
export type ResponseValue<T> = T extends string
  ? string extends T
    ? T | Date
    : T
  : T extends readonly (infer U)[]
    ? readonly ResponseValue<U>[]
    : T extends Date
      ? T
      : T extends object
        ? { [K in keyof T]: ResponseValue<T[K]> }
        : T;

/** What the API description reads from a route handler built by route() or publicRoute(). */
export interface RouteSpec {
  access: "signed-in" | "public";
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  summary?: string;
  bodyDescription?: string;
  responseContentType?: string;
  responseDescription?: string;
  maxBodyBytes?: number;
}

/** The key under which a handler carries its RouteSpec. */
export const ROUTE_SPEC = Symbol.for("runsheet.routeSpec");

function withSpec<T extends object>(handler: T, access: RouteSpec["access"], schemas: RouteSchemas<z.ZodType, z.ZodType, z.ZodType>): T {
  const spec: RouteSpec = {
    access,
    params: schemas.params,
    query: schemas.query,
    body: schemas.body,
    response: schemas.response,
    summary: schemas.summary,
    bodyDescription: schemas.bodyDescription,
    responseContentType: schemas.responseContentType,
    responseDescription: schemas.responseDescription,
    maxBodyBytes: typeof schemas.maxBodyBytes === "number" ? schemas.maxBodyBytes : undefined,
  };
  return Object.assign(handler, { [ROUTE_SPEC]: spec });
}

interface RouteOptions<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType, RS extends z.ZodType> extends RouteSchemas<PS, QS, BS, RS> {
  /**
   * The role-level permission (a named rule of lib/platform/auth/permissions.ts), checked right
   * after sign-in and before anything in the request is parsed: a role that can't act gets 403, not
   * a 400 describing the fields. Checks that need the resource stay in the services.
   */
  allow: (user: CurrentUser) => boolean;
  /** What a refused role is told (default: "You don't have permission to do that."). */
  forbidden?: string;
}

interface PublicRouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
}

interface RouteContext<P, Q, B> extends PublicRouteContext<P, Q, B> {
  user: CurrentUser;
}

type Handler<Ctx, RS extends z.ZodType> = (ctx: Ctx) => Promise<ResponseValue<z.output<RS>> | Response>;
type NextContext = { params: Promise<unknown> };

/**
 * The one way into a mutation or a private read over HTTP: same-origin check → the declared body
 * size → the acting user, resolved from the Request itself (so the same wrapper can accept other
 * credentials than the session cookie) → the role-level permission → strict zod parse of params,
 * query and body (read with a running byte count) → the handler, which loads the resource, runs
 * the resource-level permission check and mutates in one transaction. Errors become JSON with a
 * status; unknown errors become a plain 500 with no stack trace.
 */
export function route<PS extends z.ZodType = z.ZodUndefined, QS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined, RS extends z.ZodType = z.ZodType>(
  options: RouteOptions<PS, QS, BS, RS>,
  handler: Handler<RouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>, RS>,
) {
  return withSpec(async (request: Request, context: NextContext): Promise<Response> =>
    respond(async () => {
      // A bearer token is sent by a script, never attached by a browser to a cross-site request, so
      // it needs no same-origin check; a bearer request never falls back to cookies either, so a
      // cookie still only counts when it comes from this app's own pages.
      if (!hasBearerCredential(request.headers)) assertSameOrigin(request);
      assertDeclaredSize(request, maxBodyBytesOf(options));
      const user = await getUserFromRequest(request);
      if (!user) throw new UnauthenticatedError();
      if (!options.allow(user)) throw new ForbiddenError(options.forbidden);
      // The token (if any) stays in scope for everything the handler calls: project access applies
      // its project limit and every audit event names it (lib/platform/auth/api-tokens.ts).
      return runWithTokenCredential(user.token, async () => handler({ user, ...(await parseRequest(options, request, context)) }));
    }), "signed-in", options as RouteSchemas<z.ZodType, z.ZodType, z.ZodType>);
}

/** The same pipeline without a signed-in user: only for first-run setup, which refuses once any user exists. */
export function publicRoute<PS extends z.ZodType = z.ZodUndefined, QS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined, RS extends z.ZodType = z.ZodType>(
  schemas: RouteSchemas<PS, QS, BS, RS>,
  handler: Handler<PublicRouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>, RS>,
) {
  return withSpec(async (request: Request, context: NextContext): Promise<Response> =>
    respond(async () => {
      assertSameOrigin(request);
      assertDeclaredSize(request, maxBodyBytesOf(schemas));
      return handler(await parseRequest(schemas, request, context));
    }), "public", schemas as RouteSchemas<z.ZodType, z.ZodType, z.ZodType>);
}

async function respond(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    if (result instanceof Response) return result;
    return Response.json(result ?? { ok: true });
  } catch (error) {
    return errorResponse(error);
  }
}

function maxBodyBytesOf(schemas: { maxBodyBytes?: number | (() => number) }): number {
  const max = typeof schemas.maxBodyBytes === "function" ? schemas.maxBodyBytes() : schemas.maxBodyBytes;
  return max ?? DEFAULT_MAX_BODY_BYTES;
}

async function parseRequest<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType>(
  schemas: RouteSchemas<PS, QS, BS>,
  request: Request,
  context: NextContext | undefined,
): Promise<PublicRouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>> {
  const params = parseOrThrow(schemas.params, await context?.params, "Unknown address.");
  const query = schemas.query
    ? parseOrThrow(schemas.query, Object.fromEntries(new URL(request.url).searchParams.entries()), "Unknown or invalid query parameters.")
    : undefined;
  const body = schemas.body ? parseOrThrow(schemas.body, await readJson(request, maxBodyBytesOf(schemas)), "Please correct the highlighted fields.") : undefined;
  return { params: params as z.infer<PS>, query: query as z.infer<QS>, body: body as z.infer<BS>, request };
}

function parseOrThrow(schema: z.ZodType | undefined, value: unknown, message: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(message, fieldErrorsOf(parsed.error));
  return parsed.data;
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await readBodyBytes(request, maxBytes));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new ValidationError("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("The request body is not valid JSON.");
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  const shown = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MB` : `${Math.round(maxBytes / 1024)} kB`;
  return new PayloadTooLargeError(`The request is larger than ${shown}. Nothing was changed.`);
}

/** 413 at once when the request says it is larger than the cap (nothing of the body is read). */
function assertDeclaredSize(request: Request, maxBytes: number): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
}

/**
 * The request body, read with a running count and abandoned (413) as soon as it passes `maxBytes`:
 * a chunked body has no Content-Length, and a Content-Length can lie, so neither is trusted to
 * keep a 100 MB body out of memory.
 */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  assertDeclaredSize(request, maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A multipart body read under the cap (uploads): null when it isn't a readable form. */
export async function readFormData(request: Request, maxBytes: number): Promise<FormData | null> {
  const bytes = await readBodyBytes(request, maxBytes);
  const contentType = request.headers.get("content-type") ?? "";
  return new Response(bytes, { headers: { "content-type": contentType } }).formData().catch(() => null);
}

/**
 * The request with its body read under the cap, for handlers that hand the Request on (the auth
 * library): they then read the copy, never an unbounded stream.
 */
export async function withBoundedBody(request: Request, maxBytes: number): Promise<Request> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const bytes = await readBodyBytes(request, maxBytes);
  return new Request(request.url, { method: request.method, headers: request.headers, body: bytes, signal: request.signal });
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Unsafe methods only from this app's own pages: Origin must name the scheme and host the browser
 * addressed (X-Forwarded-* count only from a trusted proxy, lib/platform/http/client-address.ts);
 * a browser that sends no Origin must say Sec-Fetch-Site: same-origin. Scripts send an Origin
 * header with the server's base URL, as the e2e and benchmark helpers do.
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get("origin");
  if (origin === null) {
    if (request.headers.get("sec-fetch-site") === "same-origin") return;
    throw new ForbiddenError("Cross-site request refused: the request has no Origin header.");
  }
  const expected = requestOrigin(request.headers, request.url) ?? new URL(request.url).origin;
  let actual: string;
  try {
    actual = new URL(origin).origin;
  } catch {
    throw new ForbiddenError("Cross-site request refused.");
  }
  if (actual !== new URL(expected).origin) throw new ForbiddenError("Cross-site request refused.");
}

/** Seconds to wait before retrying: the error's own (rate limit, a full PDF queue), else 2 s for any 503. */
function retryAfterOf(error: AppError): number | null {
  if ("retryAfterSeconds" in error && typeof error.retryAfterSeconds === "number") return error.retryAfterSeconds;
  return error.status === 503 ? 2 : null;
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const extra = "current" in error ? { current: (error as { current?: unknown }).current } : {};
    return Response.json(
      { error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors ?? {}, ...extra } },
      {
        status: error.status,
        headers: retryAfterOf(error) !== null ? { "retry-after": String(retryAfterOf(error)) } : undefined,
      },
    );
  }
  console.error("Unhandled error in route", error);
  return Response.json({ error: { code: "internal", message: "Something went wrong on the server. Nothing was changed.", fieldErrors: {} } }, { status: 500 });
}
