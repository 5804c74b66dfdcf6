/**
 * A readable reference of the API description (/api/openapi.json): operations grouped by area,
 * each with its method, path, summary, who may call it, its parameters, the fields of its JSON
 * body and the fields of its answer. Rendered on the server from the same document tools download.
 */
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  maxLength?: number;
  maximum?: number;
  minimum?: number;
  default?: unknown;
  const?: unknown;
}

export interface ApiOperationView {
  method: string;
  path: string;
  summary: string;
  tag: string;
  signedIn: boolean;
  parameters: { name: string; in: string; required: boolean; schema: JsonSchema }[];
  body: { contentType: string; schema: JsonSchema; description?: string } | null;
  /** The 2xx answer: its content type, its schema when it is JSON, and what it holds. */
  response: { contentType: string | null; schema: JsonSchema | null; description: string } | null;
}

type FieldRow = { name: string; where: string; required: boolean; schema: JsonSchema };

/**
 * An answer's fields, nested ones by path ("run.status", "tokens[].name"), so a reader sees what a
 * list holds without opening the JSON document. Stops a few levels down: deeper detail is in it.
 */
export function responseRows(schema: JsonSchema, prefix = "", depth = 0): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    rows.push({ name: path, where: "answer", required: (schema.required ?? []).includes(name), schema: property });
    if (depth >= 2) continue;
    const nested = property.properties ? property : (property.anyOf ?? []).find((v) => v.properties);
    if (nested) rows.push(...responseRows(nested, `${path}.`, depth + 1));
    const items = property.items ?? (property.anyOf ?? []).find((v) => v.items)?.items;
    if (items?.properties) rows.push(...responseRows(items, `${path}[].`, depth + 1));
  }
  return rows;
}

type Schema = ApiOperationView["parameters"][number]["schema"];
interface DocumentOperation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: ApiOperationView["parameters"];
  requestBody?: { description?: string; content: Record<string, { schema: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

/** The operations of an OpenAPI document (/api/openapi.json) as the reference shows them. */
export function apiOperationsOf(document: { paths: Record<string, Record<string, unknown>> }): ApiOperationView[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const operation = op as DocumentOperation;
      const [contentType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
      const ok = Object.entries(operation.responses ?? {}).find(([status]) => status.startsWith("2"))?.[1];
      const [responseType, responseContent] = Object.entries(ok?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        tag: operation.tags?.[0] ?? "api",
        signedIn: (operation.security ?? []).length > 0,
        parameters: operation.parameters ?? [],
        body: contentType ? { contentType, schema: content.schema, description: operation.requestBody?.description } : null,
        response: ok ? { contentType: responseType ?? null, schema: responseType === "application/json" ? (responseContent?.schema ?? null) : null, description: ok.description ?? "" } : null,
      };
    }),
  );
}

const METHOD_TONE: Record<string, string> = {
  GET: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
  POST: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  PATCH: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  DELETE: "bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200",
};

/** "string ≤ 200", "integer 0–1440", "one of: a, b", "array of string". */
export function typeText(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return `one of: ${schema.enum.map(String).join(", ")}`;
  if (schema.const !== undefined) return `= ${String(schema.const)}`;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeText).join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  if (type === "array") return `array of ${typeText(schema.items)}`;
  const range = schema.minimum !== undefined || schema.maximum !== undefined ? ` ${schema.minimum ?? ""}–${schema.maximum ?? ""}` : "";
  const length = schema.maxLength !== undefined ? ` ≤ ${schema.maxLength}` : "";
  return `${type}${schema.format ? ` (${schema.format})` : ""}${range}${length}`;
}

export function ApiReference({ operations }: { operations: ApiOperationView[] }) {
  const tags = [...new Set(operations.map((o) => o.tag))];
  return (
    <div className="space-y-8">
      <nav aria-label="Areas of the API" className="flex flex-wrap gap-2 text-sm">
        {tags.map((tag) => (
          <a key={tag} href={`#api-${tag}`} className="rounded-md bg-slate-100 px-2 py-1 font-medium hover:underline dark:bg-slate-800">
            {tag}
          </a>
        ))}
      </nav>
      {tags.map((tag) => (
        <section key={tag} id={`api-${tag}`} aria-labelledby={`api-${tag}-heading`} className="scroll-mt-20 space-y-3">
          <h2 id={`api-${tag}-heading`} className="text-lg font-bold">
            {tag}
          </h2>
          {operations
            .filter((o) => o.tag === tag)
            .map((op) => (
              <details key={`${op.method} ${op.path}`} className="rounded-lg bg-white ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-800">
                <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2">
                  <span className={`rounded px-1.5 py-0.5 font-mono text-xs font-bold ${METHOD_TONE[op.method] ?? ""}`}>{op.method}</span>
                  <code className="font-mono text-sm [overflow-wrap:anywhere]">{op.path}</code>
                  <span className="text-sm text-slate-600 dark:text-slate-400">{op.summary}</span>
                  {!op.signedIn ? <span className="text-xs font-semibold text-slate-500">public</span> : null}
                </summary>
                <div className="space-y-3 border-t border-slate-200 px-3 py-3 text-sm dark:border-slate-800">
                  {op.parameters.length > 0 ? <FieldTable caption="Parameters" rows={op.parameters.map((p) => ({ name: p.name, where: p.in, required: p.required, schema: p.schema }))} /> : null}
                  {op.body ? (
                    op.body.schema.properties ? (
                      <FieldTable
                        caption={`Body (${op.body.contentType})`}
                        rows={Object.entries(op.body.schema.properties).map(([name, schema]) => ({ name, where: "body", required: (op.body!.schema.required ?? []).includes(name), schema }))}
                      />
                    ) : (
                      <p>
                        Body ({op.body.contentType}){op.body.description ? `: ${op.body.description}` : ""}
                      </p>
                    )
                  ) : null}
                  {op.parameters.length === 0 && !op.body ? <p className="text-slate-600 dark:text-slate-400">No parameters.</p> : null}
                  <ResponseFields response={op.response} />
                </div>
              </details>
            ))}
        </section>
      ))}
    </div>
  );
}

function ResponseFields({ response }: { response: ApiOperationView["response"] }) {
  if (!response) return null;
  if (!response.schema) {
    return (
      <p>
        Answer{response.contentType ? ` (${response.contentType})` : ""}: {response.description}
      </p>
    );
  }
  // A union answer (a preview or a result, depending on the request): each shape in turn.
  const variants = response.schema.properties ? [response.schema] : (response.schema.anyOf ?? response.schema.oneOf ?? []).filter((v) => v.properties);
  if (variants.length === 0) {
    return (
      <p>
        Answer ({response.contentType}): {response.schema.description ?? response.description}
      </p>
    );
  }
  return (
    <>
      {variants.map((variant, index) => (
        <FieldTable key={index} caption={`Answer (${response.contentType})${variants.length > 1 ? `, shape ${index + 1} of ${variants.length}` : ""}`} rows={responseRows(variant)} />
      ))}
    </>
  );
}

function FieldTable({ caption, rows }: { caption: string; rows: FieldRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="mb-1 text-left font-semibold">{caption}</caption>
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Name
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              In
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Type
            </th>
            <th scope="col" className="py-1 font-medium">
              Notes
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((row) => (
            <tr key={`${row.where}-${row.name}`}>
              <td className="py-1 pr-3 font-mono text-xs">
                {row.name}
                {row.required ? <span className="text-rose-700 dark:text-rose-300"> *</span> : null}
              </td>
              <td className="py-1 pr-3 text-xs">{row.where}</td>
              <td className="py-1 pr-3 text-xs [overflow-wrap:anywhere]">{typeText(row.schema)}</td>
              <td className="py-1 text-xs text-slate-600 dark:text-slate-400">{row.schema.description ?? (row.schema.default !== undefined ? `default ${JSON.stringify(row.schema.default)}` : "")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
