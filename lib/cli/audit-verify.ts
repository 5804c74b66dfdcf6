/**
 * `npm run audit:verify [-- --public-key <file.pub>] [--head <seq>:<hash>]… [--json]`: checks the audit trail of the
 * Runsheet database, exactly as the Audit page does:
 *
 *  - the hash chain links and every event matches its hash;
 *  - every signed checkpoint in `<database>.audit-checkpoints.jsonl` verifies with the audit key
 *    and its event is still in the chain with the signed hash (catches a deleted tail and a chain
 *    rewritten with recomputed hashes);
 *  - replaying each run's events gives every step run and run the state its row holds (catches a
 *    direct `UPDATE step_run`).
 *
 * Database: DATABASE_URL (file:… or postgresql://…), else ./data/runsheet.db. On PostgreSQL the
 * checkpoint log is `postgres.audit-checkpoints.jsonl` in RUNSHEET_DATA_DIR (the folder the instances
 * share), and the reads run in one REPEATABLE READ snapshot, so a live installation can be checked.
 * Key: RUNSHEET_AUDIT_SIGNING_KEY, else `.audit-signing-key` in the data folder; `--public-key` checks with a published public key
 * instead (an auditor without access to the private key). `--head 1234:<hash>` (repeatable) checks
 * a head printed in an export ("Signed head" in the PDF, `audit.signedHead` in the JSON) is still in
 * the chain: it catches the newest checkpoints deleted together with the events they cover. Read-only.
 *
 * Exit code: 0 = everything checks out, 1 = findings (listed), 2 = could not run the check.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { KeyObject } from "node:crypto";
import { auditAnchorPaths, readPublicKey } from "../audit/checkpoint";
import { formatVerdict, verifyAuditTrail, verifyPostgresAuditTrail, type AuditTrailVerdict } from "../audit/verify";
import { databaseDialectOf, postgresUrl } from "../platform/db/dialect";
import { createPostgresPool } from "../platform/db/postgres-pool";
import { auditAnchorBase, resolveDatabasePath } from "../platform/db/sqlite-path";

const USAGE = "Usage: npm run audit:verify [-- --public-key <file.pub>] [--head <seq>:<sha256>]... [--json]\nChecks the audit trail of DATABASE_URL (a SQLite file or a PostgreSQL URL; default ./data/runsheet.db). Exit code 0 = OK, 1 = findings, 2 = error.";

function fail(message: string): never {
  console.error(`audit:verify: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return;
  }
  let publicKeyFile: string | null = null;
  let json = false;
  const knownHeads: { seq: number; hash: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--public-key" && args[i + 1]) publicKeyFile = path.resolve(args[++i]);
    else if (args[i] === "--json") json = true;
    else if (args[i] === "--head" && args[i + 1]) {
      const match = /^#?(\d+):([0-9a-f]{64})$/.exec(args[++i]);
      if (!match) fail(`--head takes <seq>:<sha256 hex>, such as 1234:${"0".repeat(64)}.`);
      knownHeads.push({ seq: Number(match[1]), hash: match[2] });
    }
    else fail(`unknown argument "${args[i]}".\n${USAGE}`);
  }

  let publicKey: KeyObject | undefined;
  try {
    publicKey = publicKeyFile ? readPublicKey(publicKeyFile) : undefined;
  } catch (error) {
    fail(`can't read the public key: ${(error as Error).message}`);
  }
  const options = { paths: auditAnchorPaths(auditAnchorBase()), publicKey, knownHeads };
  const { checked, verdict } = databaseDialectOf(process.env.DATABASE_URL) === "postgresql" ? await verifyPostgres(options) : verifySqlite(options);
  if (json) console.log(JSON.stringify(verdict, null, 2));
  else console.log(`Checked ${checked}\n${formatVerdict(verdict, { limit: 200 })}`);
  process.exitCode = verdict.ok ? 0 : 1;
}

type CheckOptions = Parameters<typeof verifyPostgresAuditTrail>[1];

function verifySqlite(options: CheckOptions): { checked: string; verdict: AuditTrailVerdict } {
  const databasePath = resolveDatabasePath();
  if (!fs.existsSync(databasePath)) fail(`no database at ${databasePath} (set DATABASE_URL=file:/path/to/runsheet.db).`);
  // Not opened read-only: a WAL database's reader may need to create the -shm file. Only reads.
  const db = new Database(databasePath, { fileMustExist: true, timeout: 5000 });
  try {
    return { checked: databasePath, verdict: verifyAuditTrail({ db, ...options }) };
  } catch (error) {
    fail((error as Error).stack ?? String(error));
  } finally {
    db.close();
  }
}

async function verifyPostgres(options: CheckOptions): Promise<{ checked: string; verdict: AuditTrailVerdict }> {
  const url = new URL(postgresUrl());
  // Printed without the password: the output goes into tickets and change records.
  const checked = `PostgreSQL database ${decodeURIComponent(url.pathname.slice(1))} on ${url.host}`;
  const pool = createPostgresPool({ connectionString: postgresUrl(), max: 1 });
  try {
    try {
      await pool.query("SELECT 1");
    } catch (error) {
      fail(`can't reach the ${checked}: ${(error as Error).message}`);
    }
    return { checked, verdict: await verifyPostgresAuditTrail(pool, options) };
  } catch (error) {
    fail((error as Error).stack ?? String(error));
  } finally {
    await pool.end();
  }
}

void main();
