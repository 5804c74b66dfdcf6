/**
 * prisma/schema.prisma is the one data model. PostgreSQL needs its own copy only because a Prisma
 * schema names one provider: prisma/postgres/schema.prisma is written from it by
 * `npm run prisma:postgres-schema` (part of `npm run prisma:generate`), and
 * tests/unit/postgres-schema.test.ts fails when the copy is stale. Edit the SQLite schema only.
 */
const GENERATOR = /generator client \{[^}]*\}/;
const DATASOURCE = /datasource db \{[^}]*\}/;

export const POSTGRES_SCHEMA_HEADER = `// GENERATED from prisma/schema.prisma by \`npm run prisma:postgres-schema\`. Do not edit:
// change prisma/schema.prisma, then add a migration to prisma/migrations (SQLite) and to
// prisma/postgres/migrations (PostgreSQL). tests/unit/schema-drift*.test.ts check both.
`;

export function postgresSchemaFrom(sqliteSchema: string): string {
  if (!GENERATOR.test(sqliteSchema) || !DATASOURCE.test(sqliteSchema)) {
    throw new Error("prisma/schema.prisma must have one `generator client { … }` and one `datasource db { … }` block");
  }
  const body = sqliteSchema
    .replace(/^(\/\/[^\n]*\n)+\n?/, "") // the SQLite file's own header comment
    .replace(GENERATOR, `generator client {\n  provider = "prisma-client"\n  output   = "../../lib/generated/prisma-postgres"\n}`)
    .replace(DATASOURCE, `datasource db {\n  provider = "postgresql"\n}`);
  return POSTGRES_SCHEMA_HEADER + "\n" + body;
}
