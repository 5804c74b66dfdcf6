/**
 * A readable reference of the API description (/api/openapi.json): operations grouped by area,
 * each with its method, path, summary, who may call it, its parameters and the fields of its JSON
 * body. Rendered on the server from the same document tools download.
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
                </div>
              </details>
            ))}
        </section>
      ))}
    </div>
  );
}

function FieldTable({ caption, rows }: { caption: string; rows: { name: string; where: string; required: boolean; schema: JsonSchema }[] }) {
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
