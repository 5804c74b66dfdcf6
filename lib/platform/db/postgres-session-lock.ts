import pg from "pg";

/**
 * Runs `fn` while this process holds a session-level advisory lock on its own connection: one
 * instance at a time, across all instances on the database. If the process dies, PostgreSQL ends
 * the session and the lock is released with it.
 */
export async function withPostgresSessionLock<T>(options: { connectionString: string; key: number }, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock($1)`, [options.key]);
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock($1)`, [options.key]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
