import { publicRoute } from "@/lib/platform/http/route";
import { openApiDocumentResult } from "@/lib/platform/http/openapi";
import { getOpenApiDocument } from "./document";

/** The API description (OpenAPI 3.1), built from the routes' own schemas. Public: it holds no data. */
export const GET: (request: Request, context: { params: Promise<unknown> }) => Promise<Response> = publicRoute({ summary: "This API description (OpenAPI 3.1)", response: openApiDocumentResult }, async () => getOpenApiDocument({ GET }));
