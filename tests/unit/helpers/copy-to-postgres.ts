/**
 * Copies every row of a migrated SQLite database into a migrated PostgreSQL one, so the same
 * installation (made by the real services on SQLite) can be checked on both. Foreign keys are
 * not checked during the copy (session_replication_role = replica; the test server's user is its
 * superuser), so tables can go in any order; sequences are moved past the copied rows.
 */
import type Database from "better-sqlite3";
import type pg from "pg";

export async function copySqliteToPostgres(source: Database.Database, target: pg.Pool): Promise<{ tables: number; rows: number }> {
  const tables = (source.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_prisma_migrations'`).all() as { name: string }[]).map((t) => t.name);
  const client = await target.connect();
  let rows = 0;
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    for (const table of tables) {
      const types = new Map(
        (await client.query<{ column_name: string; data_type: string }>(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, [table])).rows.map((c) => [c.column_name, c.data_type]),
      );
      await client.query(`DELETE FROM "${table}"`);
      for (const row of source.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
        const columns = Object.keys(row);
        const values = columns.map((c) => (types.get(c) === "boolean" && typeof row[c] === "number" ? row[c] === 1 : row[c]));
        await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`, values);
        rows++;
      }
    }
    // SERIAL columns: the next value comes after the copied ones.
    const serials = await client.query<{ table_name: string; column_name: string; seq: string }>(
      `SELECT table_name, column_name, pg_get_serial_sequence(format('%I', table_name), column_name) AS seq
         FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
    );
    for (const s of serials.rows) await client.query(`SELECT setval($1, GREATEST((SELECT max("${s.column_name}") FROM "${s.table_name}"), 1))`, [s.seq]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  return { tables: tables.length, rows };
}
