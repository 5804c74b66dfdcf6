/** Writes prisma/postgres/schema.prisma from prisma/schema.prisma (see lib/platform/db/postgres-schema.ts). */
import fs from "node:fs";
import path from "node:path";
import { postgresSchemaFrom } from "../platform/db/postgres-schema";

const root = process.cwd();
const source = fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
const target = path.join(root, "prisma", "postgres", "schema.prisma");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, postgresSchemaFrom(source));
console.log(`Wrote ${path.relative(root, target)}`);
