/**
 * `npm run db:backup [-- <destination.db>]`: an online backup of the Runsheet database, safe
 * while the app runs and writes (see lib/platform/db/backup.ts for how it is taken and checked).
 *
 * Source: DATABASE_URL (file:…), else ./data/runsheet.db. Destination: the argument, else
 * data/backups/runsheet-<UTC timestamp>.db. Exit code 0 = verified backup written.
 * Evidence files go to `<dest>.evidence/`, each checked against its SHA-256.
 *
 * Restore: `npm run db:restore -- <backup.db>` with the app stopped (lib/cli/db-restore.ts).
 */
import path from "node:path";
import { backupDatabase, backupTimestamp } from "../backup/service";
import { resolveDatabasePath } from "../platform/db/sqlite-path";

function fail(message: string): never {
  console.error(`db:backup: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) {
    console.log("Usage: npm run db:backup [-- <destination.db>]\nBacks up DATABASE_URL (default ./data/runsheet.db) to data/backups/runsheet-<timestamp>.db or <destination.db>.");
    return;
  }
  if (args.length > 1) fail("expected at most one argument, the destination file.");
  const source = resolveDatabasePath();
  const destination = path.resolve(args[0] ?? path.join("data", "backups", `runsheet-${backupTimestamp()}.db`));
  const report = await backupDatabase({ source, destination });
  console.log(`Backed up ${report.source}`);
  console.log(`       to ${report.destination}`);
  if (report.evidence.files > 0) console.log(`   and ${report.evidence.files} evidence file(s), ${(report.evidence.bytes / 1024 / 1024).toFixed(1)} MB, to ${report.destination}.evidence (each checked against its SHA-256)`);
  console.log(
    `${(report.bytes / 1024 / 1024).toFixed(1)} MB, ${report.pages} pages, copied in ${report.copiedMs} ms; integrity_check ok; audit chain ok (${report.auditEvents} events${report.auditHeadHash ? `, head ${report.auditHeadHash.slice(0, 16)}…` : ""}).`,
  );
}

main().catch((error) => fail((error as Error).message ?? String(error)));
