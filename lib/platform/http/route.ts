import "server-only";
import { z } from "zod";
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from "../errors";
import { getCurrentUser, type CurrentUser } from "../auth/session";
import { fieldErrorsOf } from "../validation";

interface RouteContext<P, B> {
  user: CurrentUser;
  params: P;
  body: B;
  request: Request;
}

/**
 * The one way into a mutation or a private read over HTTP: signed-in user → same-origin check →
 * strict zod parse of params and body → the handler, which loads the resource, runs the named
 * permission check and mutates in one transaction. Errors become JSON with a status; unknown
 * errors become a plain 500 with no stack trace.
 */
export function route<PS extends z.ZodType = z.ZodUndefined, BS extends z.ZodType = z.ZodUndefined, R = unknown>(
  schemas: { params?: PS; body?: BS },
  handler: (ctx: RouteContext<z.infer<PS>, z.infer<BS>>) => Promise<R>,
) {
  return async (request: Request, context: { params: Promise<unknown> }): Promise<Response> => {
    try {
      assertSameOrigin(request);
      const user = await getCurrentUser();
      if (!user) throw new UnauthenticatedError();
      const params = parseOrThrow(schemas.params, await context.params, "Unknown address.");
      const body = schemas.body ? parseOrThrow(schemas.body, await readJson(request), "Please correct the highlighted fields.") : undefined;
      const result = await handler({ user, params: params as z.infer<PS>, body: body as z.infer<BS>, request });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true });
    } catch (error) {
      return errorResponse(error);
    }
  };
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
