import type { Metadata } from "next";
import { ApiReference, type ApiOperationView } from "@/components/api/api-reference";
import { PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/platform/auth/session";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { getOpenApiDocument } from "@/app/api/openapi.json/document";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocsPage() {
  await requireUser();
  const document = getOpenApiDocument({ GET: openApiRoute });
  const operations: ApiOperationView[] = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const operation = op as { summary?: string; tags?: string[]; security?: unknown[]; parameters?: ApiOperationView["parameters"]; requestBody?: { description?: string; content: Record<string, { schema: ApiOperationView["parameters"][number]["schema"] }> } };
      const [contentType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        tag: operation.tags?.[0] ?? "api",
        signedIn: (operation.security ?? []).length > 0,
        parameters: operation.parameters ?? [],
        body: contentType ? { contentType, schema: content.schema, description: operation.requestBody?.description } : null,
      };
    }),
  );
  return (
    <>
      <PageHeader
        title="API reference"
        subtitle={`Every route of Runsheet ${String(document.info.version)}, generated from the schemas the server parses requests with. Download the OpenAPI 3.1 document at /api/openapi.json.`}
      />
      <ApiReference operations={operations} />
    </>
  );
}
