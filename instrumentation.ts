/**
 * Runs once when the Next.js server starts: migrates the database (on first import of the
 * Prisma client), seeds the demo into an empty database unless RUNSHEET_SEED=none, anchors the
 * audit chain (signing key, signed checkpoint of the head), and warms
 * a PDF worker in the background.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A half-configured single sign-on stops the start with every problem listed (sso-config.ts),
  // rather than serving a login page without SSO, or with passwords open under "SSO only".
  (await import("./lib/platform/auth/sso-config")).checkSsoConfigAtStart();
  // Likewise a DATABASE_URL this build can't serve, before anything opens it.
  (await import("./lib/platform/db/sqlite-path")).checkDatabaseUrlAtStart();
  const { isPostgres, postgresUrl } = await import("./lib/platform/db/dialect");
  if (isPostgres()) {
    // SQLite migrates when the client opens (synchronously); PostgreSQL's migrator is async, and
    // several instances starting together take turns under an advisory lock (migrate-postgres.ts).
    const applied = await (await import("./lib/platform/db/migrate-postgres")).applyPostgresMigrations({ connectionString: postgresUrl() });
    if (applied.length > 0) console.log(`Runsheet: applied ${applied.length} PostgreSQL migration(s): ${applied.join(", ")}`);
  }
  const { prisma } = await import("./lib/platform/db/client");
  await prisma.$queryRawUnsafe("SELECT 1");
  if ((process.env.RUNSHEET_SEED ?? "demo") !== "none") {
    const { seedDemo } = await import("./lib/demo/seed");
    const seedOnce = async () => {
      if (!isPostgres()) return seedDemo();
      const { withPostgresSessionLock } = await import("./lib/platform/db/postgres-session-lock");
      const { SEED_LOCK_KEY } = await import("./lib/platform/db/advisory-locks");
      return withPostgresSessionLock({ connectionString: postgresUrl(), key: SEED_LOCK_KEY }, seedDemo);
    };
    if (await seedOnce()) console.log("Runsheet: seeded the demo project and accounts (password: runsheet-demo).");
  }
  // The audit signing key exists from the first start on, and whatever was committed but not yet
  // signed when the server last stopped (or by another process, such as the seed) is signed now.
  const { anchorAuditChainAtStartup } = await import("./lib/audit/checkpointer");
  await anchorAuditChainAtStartup();
  // With several instances on one PostgreSQL database, each hears of the others' commits and
  // viewers (LISTEN/NOTIFY), so every live page is current whichever instance serves it.
  if (isPostgres()) (await import("./lib/platform/live/cross-instance")).startCrossInstanceLiveUpdates({ connectionString: postgresUrl() });
  // Automatic stakeholder updates of live runs (lib/stakeholders/scheduler.ts): a cheap tick every 30 s.
  (await import("./lib/stakeholders/scheduler")).startStakeholderScheduler();
  // Continuous backup of the SQLite file: every RUNSHEET_BACKUP_EVERY_MINUTES and at each run end.
  (await import("./lib/backup/schedule")).startContinuousBackup();
  // Notifications: follow the audit log, sweep overdue steps and deadlines, send queued email (lib/notifications).
  (await import("./lib/notifications/dispatcher")).startNotificationDispatcher();
  // Outbound webhooks: follows the audit log from each endpoint's cursor (lib/webhooks/dispatcher.ts).
  void import("./lib/webhooks/dispatcher").then(({ startWebhookDispatcher }) => startWebhookDispatcher());
  // Start one PDF worker thread and have it render a cut-down record a few times, off the start-up
  // path, so the first "Export PDF" of the night doesn't pay for starting it and loading react-pdf
  // (~1 s) and for unoptimised layout code (~1 s). The pool keeps that worker (lib/exports/pdf-pool.ts).
  setTimeout(() => {
    import("./lib/exports/run-pdf")
      .then(({ warmUpPdfRenderer }) => warmUpPdfRenderer())
      .catch((error) => console.error("Warming up the PDF renderer failed", error));
  }, 5000).unref();
}
