/**
 * PostgreSQL advisory-lock keys, one place so no two uses collide. Arbitrary constants; every
 * Runsheet instance on the database uses the same ones.
 */

/** Held while migrations are applied (migrate-postgres.ts): instances starting together migrate once. */
export const MIGRATION_LOCK_KEY = 7_253_001;

/**
 * The audit chain's lock (lib/audit/store.postgres.ts): an append holds it from before reading the
 * chain head until COMMIT, and the Prisma services' transactions hold it throughout
 * (transaction-postgres.ts runPrismaPgTransaction).
 */
export const AUDIT_CHAIN_LOCK_KEY = 7_253_002;

/** Held while the demo is seeded at start-up (instrumentation.ts): two instances starting on an empty database seed it once. */
export const SEED_LOCK_KEY = 7_253_003;
