import type { Metadata } from "next";
import { ApiReference, apiOperationsOf } from "@/components/api/api-reference";
import { PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/platform/auth/session";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { getOpenApiDocument } from "@/app/api/openapi.json/document";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocsPage() {
  await requireUser();
  const document = getOpenApiDocument({ GET: openApiRoute });
  const operations = apiOperationsOf(document);
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
