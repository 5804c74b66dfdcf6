import "server-only";
import { prisma, type Tx } from "./client";
import { classifyDatabaseError } from "./classify-error";

/**
 * Runs `read` in one REPEATABLE READ, READ ONLY transaction on PostgreSQL: every query in it sees
 * the database as it was at the first one, whatever other connections and instances commit
 * meanwhile. That is how a record of several reads (a run's steps, its audit trail, its fleet)
 * stays of one moment without stopping anyone: under MVCC the snapshot holds back no writer.
 *
 * READ ONLY makes a write inside a mistake PostgreSQL refuses (25006) instead of one that
 * commits. A read-only transaction can't fail to serialize, so there is nothing to retry.
 *
 * The isolation is set by the first statement rather than Prisma's `isolationLevel` option: the
 * services are typed against the SQLite client, whose only level is Serializable. PostgreSQL
 * accepts SET TRANSACTION before the transaction's first query, which takes the snapshot.
 */
export async function readInPostgresSnapshot<T>(read: (db: Tx) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        return read(tx);
      },
      // A connection for as long as the reads take: a big run's record and fleet, in pages.
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    // Prisma's own limits (no connection within maxWait, the timeout) are P2028: busy, try again.
    throw classifyDatabaseError(error);
  }
}
