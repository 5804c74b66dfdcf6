-- Notifications (lib/notifications): the bell's rows, each user's channel choices, a durable
-- outbox for email, the audit position the dispatcher has processed, one-time gate approval
-- links (only the SHA-256 of each token is stored), and the project's lead (who escalations go to).
ALTER TABLE "project" ADD COLUMN "leadUserId" TEXT REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "project_leadUserId_idx" ON "project"("leadUserId");
-- Minutes past a step's planned finish before it counts as overdue; NULL: the installation's default.
ALTER TABLE "project" ADD COLUMN "notifyOverdueMinutes" INTEGER;

CREATE TABLE "notification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "runId" TEXT,
    "stepRunId" TEXT,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "href" TEXT NOT NULL DEFAULT '',
    "dedupKey" TEXT NOT NULL,
    "chaseCount" INTEGER NOT NULL DEFAULT 0,
    "lastSentAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "acknowledgedById" TEXT,
    "closedAt" DATETIME,
    "inApp" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "notification_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "notification_dedupKey_key" ON "notification"("dedupKey");
CREATE INDEX "notification_userId_createdAt_idx" ON "notification"("userId", "createdAt");
CREATE INDEX "notification_projectId_idx" ON "notification"("projectId");
CREATE INDEX "notification_kind_closedAt_idx" ON "notification"("kind", "closedAt");

CREATE TABLE "notification_preference" (
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "inApp" BOOLEAN NOT NULL DEFAULT true,
    "email" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "kind"),
    CONSTRAINT "notification_preference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "email_outbox" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT NOT NULL DEFAULT '',
    "notificationId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);
CREATE INDEX "email_outbox_status_nextAttemptAt_idx" ON "email_outbox"("status", "nextAttemptAt");

CREATE TABLE "notification_cursor" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
-- An existing install starts notifying from now on, not about every step it ever ran.
INSERT INTO "notification_cursor" ("id", "seq", "updatedAt")
SELECT 1, COALESCE(MAX("seq"), 0), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') FROM "audit_event";

CREATE TABLE "gate_approval_link" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "stepRunId" TEXT NOT NULL,
    "approverId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "gate_approval_link_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "gate_approval_link_tokenHash_key" ON "gate_approval_link"("tokenHash");
CREATE INDEX "gate_approval_link_approverId_idx" ON "gate_approval_link"("approverId");
CREATE INDEX "gate_approval_link_stepRunId_idx" ON "gate_approval_link"("stepRunId");
