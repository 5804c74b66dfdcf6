// No "server-only" import: the backup and restore commands (lib/cli/db-*.ts) run this outside Next.js.
/**
 * Backups of the database and their restore: `npm run db:backup`, `npm run db:restore` and the
 * server's continuous backup (schedule.ts) all go through these. SQLite is the only database with
 * file backups here; how a copy is taken and checked is in store.sqlite.ts.
 */
export { backupDatabase, backupTimestamp, BackupError, restoreDatabase, type BackupReport, type RestoreReport } from "./store.sqlite";
