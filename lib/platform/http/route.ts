import "server-only";
import { z } from "zod";
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from "../errors";
import { getUserFromRequest, type CurrentUser } from "../auth/session";
import { fieldErrorsOf } from "../validation";

interface RouteSchemas<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType> {
  params?: PS;
  /** The query string, as a flat object of strings; a strict schema refuses unknown parameters. */
  query?: QS;
  body?: BS;
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

type Handler<Ctx> = (ctx: Ctx) => Promise<unknown>;
type NextContext = { params: Promise<unknown> };

/**
 * The one way into a mutation or a private read over HTTP: same-origin check → the acting user,
 * resolved from the Request itself (so the same wrapper can accept other credentials than the
 * session cookie) → strict zod parse of params, query and body → the handler, which loads the
 * resource, runs the named permission check and mutates in one transaction. Errors become JSON
 * with a status; unknown errors become a plain 500 with no stack trace.
 */
export function route<PS extends z.ZodType = z.ZodUndefined, QS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined>(
  schemas: RouteSchemas<PS, QS, BS>,
  handler: Handler<RouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>>,
) {
  return async (request: Request, context: NextContext): Promise<Response> =>
    respond(async () => {
      assertSameOrigin(request);
      const user = await getUserFromRequest(request);
      if (!user) throw new UnauthenticatedError();
      return handler({ user, ...(await parseRequest(schemas, request, context)) });
    });
}

/** The same pipeline without a signed-in user: only for first-run setup, which refuses once any user exists. */
export function publicRoute<PS extends z.ZodType = z.ZodUndefined, QS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined>(
  schemas: RouteSchemas<PS, QS, BS>,
  handler: Handler<PublicRouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>>,
) {
  return async (request: Request, context: NextContext): Promise<Response> =>
    respond(async () => {
      assertSameOrigin(request);
      return handler(await parseRequest(schemas, request, context));
    });
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

async function parseRequest<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType>(
  schemas: RouteSchemas<PS, QS, BS>,
  request: Request,
  context: NextContext | undefined,
): Promise<PublicRouteContext<z.infer<PS>, z.infer<QS>, z.infer<BS>>> {
  const params = parseOrThrow(schemas.params, await context?.params, "Unknown address.");
  const query = schemas.query
    ? parseOrThrow(schemas.query, Object.fromEntries(new URL(request.url).searchParams.entries()), "Unknown or invalid query parameters.")
    : undefined;
  const body = schemas.body ? parseOrThrow(schemas.body, await readJson(request), "Please correct the highlighted fields.") : undefined;
  return { params: params as z.infer<PS>, query: query as z.infer<QS>, body: body as z.infer<BS>, request };
}

function parseOrThrow(schema: z.ZodType | undefined, value: unknown, message: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(message, fieldErrorsOf(parsed.error));
  return parsed.data;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("The request body is not valid JSON.");
  }
}

/** SameSite=Lax cookies already stop cross-site POSTs; this also refuses a foreign Origin outright. */
function assertSameOrigin(request: Request): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    if (new URL(origin).host !== host) throw new ForbiddenError("Cross-site request refused.");
  } catch (error) {
    if (error instanceof ForbiddenError) throw error;
    throw new ForbiddenError("Cross-site request refused.");
  }
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const extra = "current" in error ? { current: (error as { current?: unknown }).current } : {};
    return Response.json(
      { error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors ?? {}, ...extra } },
      { status: error.status, headers: error.status === 503 ? { "retry-after": "2" } : undefined },
    );
  }
  console.error("Unhandled error in route", error);
  return Response.json({ error: { code: "internal", message: "Something went wrong on the server. Nothing was changed.", fieldErrors: {} } }, { status: 500 });
}
