// The worker behind e2e/support/e2e-database.ts on PostgreSQL: synckit runs it in a worker thread
// and waits for each answer, so the suite's database checks stay synchronous, as they are with
// better-sqlite3. One connection, so BEGIN … COMMIT from the caller spans its statements.
import pg from "pg";
import { runAsWorker } from "synckit";

/** Rows in the shapes better-sqlite3 gives: integers as numbers, booleans as 1/0, times as Prisma's SQLite text. */
const types = {
  getTypeParser(oid, format) {
    if (format !== "binary") {
      if (oid === 20) return (value) => Number(value); // int8: count(*)
      if (oid === 16) return (value) => (value === "t" ? 1 : 0); // bool
      // jsonb (json_extract's stand-in): scalars as values, true/false as 1/0, objects and arrays as JSON text.
      if (oid === 3802)
        return (value) => {
          const parsed = JSON.parse(value);
          if (typeof parsed === "boolean") return parsed ? 1 : 0;
          return parsed !== null && typeof parsed === "object" ? JSON.stringify(parsed) : parsed;
        };
      if (oid === 1114) return (value) => new Date(`${value.replace(" ", "T")}Z`).toISOString().replace("Z", "+00:00"); // timestamp(3), UTC
    }
    return pg.types.getTypeParser(oid, format);
  },
};

let client = null;

runAsWorker(async (request) => {
  if (request.kind === "close") {
    await client?.end();
    client = null;
    return null;
  }
  if (!client) {
    client = new pg.Client({ connectionString: request.url, types });
    await client.connect();
  }
  if (request.kind === "columns") {
    const result = await client.query(
      `SELECT column_name AS "name", data_type AS "type" FROM information_schema.columns WHERE table_schema = current_schema()`,
    );
    return result.rows;
  }
  try {
    const result = await client.query({ text: request.sql, values: request.params });
    return { rows: result.rows ?? [], rowCount: result.rowCount ?? 0 };
  } catch (error) {
    return { error: `${error.message}\n  in: ${request.sql}` };
  }
});
