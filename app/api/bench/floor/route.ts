import Database from "better-sqlite3";
import { resolveDatabasePath } from "@/lib/platform/db/sqlite-path";

/**
 * The benchmark's "floor": the cheapest possible durable write through this server — one
 * prepared better-sqlite3 UPDATE on the app's database file, with no auth, Prisma, validation,
 * transaction wrapper or audit event. `npm run bench` compares sign-off latency against it.
 *
 * Disabled (404) unless RUNSHEET_BENCH=1, so it can never be reached in a normal deployment.
 */
export const dynamic = "force-dynamic";

interface Floor {
  db: Database.Database;
  update: Database.Statement<[string, number]>;
  rows: number;
  next: number;
}

const globalForFloor = globalThis as unknown as { runsheetBenchFloor?: Floor };

function openFloor(): Floor {
  // Same file and durability settings as the app's connection (WAL is stored in the file;
  // synchronous stays at SQLite's default, as in lib/platform/db/client.ts).
  const db = new Database(resolveDatabasePath(), { timeout: 5000 });
  const rows = Number((db.prepare(`SELECT count(*) AS n FROM fleet_client`).get() as { n: number }).n);
  const update = db.prepare<[string, number]>(`UPDATE fleet_client SET updatedAt = ? WHERE rowid = ?`);
  return { db, update, rows, next: 0 };
}

function notFound(): Response {
  return Response.json({ error: { code: "not_found", message: "Not found.", fieldErrors: {} } }, { status: 404 });
}

export async function POST(): Promise<Response> {
  if (process.env.RUNSHEET_BENCH !== "1") return notFound();
  const floor = (globalForFloor.runsheetBenchFloor ??= openFloor());
  // Rotate over the rows so consecutive requests touch different rows, like sign-offs do.
  const rowid = floor.rows > 0 ? (floor.next++ % floor.rows) + 1 : 0;
  const { changes } = floor.update.run(new Date().toISOString().replace("Z", "+00:00"), rowid);
  return Response.json({ ok: true, changes });
}

export async function GET(): Promise<Response> {
  return notFound();
}
