/**
 * `npm run api:index`: rewrites app/api/openapi.json/route-index.ts from the route files under
 * app/api, so the API description imports every route. tests/unit/openapi.test.ts fails when the
 * index is out of date and says to run this.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const apiDir = path.join(root, "app", "api");
const target = path.join(apiDir, "openapi.json", "route-index.ts");

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

const patterns = routeFiles(apiDir)
  .map((file) => `/${path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).join("/")}`)
  .filter((pattern) => pattern !== "/api/openapi.json")
  .sort();

const lines = [
  "/**",
  " * Every route file under app/api, imported statically so /api/openapi.json can read each",
  " * handler's schemas (lib/platform/http/openapi.ts). Written by `npm run api:index`;",
  " * tests/unit/openapi.test.ts fails when a route file is missing here or an entry's file is gone.",
  " */",
  'import type { RouteModuleEntry } from "@/lib/platform/http/openapi";',
  ...patterns.map((pattern, i) => `import * as route${i} from "@/app${pattern}/route";`),
  "",
  "export const ROUTE_MODULES: RouteModuleEntry[] = [",
  ...patterns.map((pattern, i) => `  { pattern: "${pattern}", module: route${i} },`),
  "];",
  "",
];
fs.writeFileSync(target, lines.join("\n"));
console.log(`Wrote ${path.relative(root, target)}: ${patterns.length} route files.`);
