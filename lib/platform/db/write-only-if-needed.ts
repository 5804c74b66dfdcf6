import "server-only";
import { prisma, type Tx } from "./client";
import { runTransaction } from "./transaction";

/** The dry run reached a write: the pass has something to do. */
class WouldWrite extends Error {
  constructor() {
    super("A read-only look tried to write.");
  }
}

const WRITE_METHODS = new Set(["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);
// Raw SQL may write (an INSERT … RETURNING through $queryRaw, a SELECT … FOR UPDATE), so it counts
// as a write too: a pass that needs it runs for real, never in the look.
const CLIENT_WRITE_METHODS = new Set(["$executeRaw", "$executeRawUnsafe", "$queryRaw", "$queryRawUnsafe", "$transaction"]);

const refuse = () => Promise.reject(new WouldWrite());

/** The shared client, with every write and all raw SQL refused (WouldWrite) before it reaches the database. */
function readOnlyView(): Tx {
  const delegates = new Map<string, unknown>();
  return new Proxy(prisma, {
    get(target, prop) {
      if (typeof prop === "string" && CLIENT_WRITE_METHODS.has(prop)) return refuse;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop === "string" && !prop.startsWith("$") && value !== null && typeof value === "object") {
        // A model's delegate (tx.notification, …): reads pass, writes are refused.
        if (!delegates.has(prop)) {
          const delegate = value as Record<string, unknown>;
          delegates.set(prop, new Proxy(delegate, { get: (d, method) => (typeof method === "string" && WRITE_METHODS.has(method) ? refuse : Reflect.get(d, method, d)) }));
        }
        return delegates.get(prop);
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as unknown as Tx;
}

/**
 * Runs `pass` first as a look: outside any transaction, on a view of the database that refuses
 * writes. Only when the pass comes to a write does it run again from the start, for real, in a
 * write transaction (runTransaction, with its options).
 *
 * For the periodic passes that usually find nothing to do (the notification sweep visits every
 * active run every 30 s, and nearly always everything due was done already): a write transaction
 * stops every sign-off while it runs (SQLite's one writer; on PostgreSQL the audit chain's lock,
 * across every instance), and a look stops nobody.
 *
 * The pass must write only through the `tx` it is given and have no other effects before its
 * first write, and must not catch errors it didn't raise: the look ends at that first write. The
 * look's reads are not of one moment; that only decides whether to run, and a change that lands
 * meanwhile is seen by the pass that runs for real, or by the next one.
 */
export async function writeOnlyIfNeeded<T>(pass: (tx: Tx) => Promise<T>, options: { chainLock?: boolean } = {}): Promise<{ wrote: boolean; value: T }> {
  try {
    return { wrote: false, value: await pass(readOnlyView()) };
  } catch (error) {
    if (!(error instanceof WouldWrite)) throw error;
  }
  return { wrote: true, value: await runTransaction(pass, options) };
}
