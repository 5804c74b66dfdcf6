/**
 * `npm run db:restore -- <backup.db>`: puts a backup (from `npm run db:backup` or the server's
 * continuous backup in data/backups) in place of DATABASE_URL's file, with its evidence files.
 * Stop the app first: a database that is open elsewhere is refused. The backup is verified
 * (integrity_check, audit chain, evidence present) before anything is touched, and the database
 * it replaces is kept beside it as `<name>.before-restore-<time>`.
 */
import { restoreDatabase } from "../backup/service";
import { resolveDatabasePath } from "../platform/db/sqlite-path";

function fail(message: string): never {
  console.error(`db:restore: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h") || args.length !== 1) {
    console.log("Usage: npm run db:restore -- <backup.db>\nStop the app, then restore the backup over DATABASE_URL (default ./data/runsheet.db).");
    if (args.length !== 1 && !args.includes("--help") && !args.includes("-h")) process.exit(2);
    return;
  }
  const report = await restoreDatabase({ backup: args[0], target: resolveDatabasePath() });
  console.log(`Restored ${report.backup}`);
  console.log(`      to ${report.target}`);
  console.log(`audit chain ok (${report.auditEvents} events, up to seq ${report.auditHeadSeq}); ${report.evidence.files} evidence file(s) present.`);
  console.log("Start the app again.");
}

main().catch((error) => fail((error as Error).message ?? String(error)));
