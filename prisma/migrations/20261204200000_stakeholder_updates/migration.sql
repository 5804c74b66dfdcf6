-- Stakeholder updates during a run (lib/stakeholders): one plan per run (recipients, channels,
-- interval, templates, the schedule) and the log of every update that went out, with its
-- email delivery state so a relay that was down is retried, not forgotten.
CREATE TABLE "stakeholder_update_plan" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "recipients" TEXT NOT NULL DEFAULT '[]',
    "sendByEmail" BOOLEAN NOT NULL DEFAULT true,
    "sendByWebhook" BOOLEAN NOT NULL DEFAULT false,
    "intervalMinutes" INTEGER NOT NULL DEFAULT 30,
    "subjectTemplate" TEXT NOT NULL,
    "bodyTemplate" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "nextDueAt" DATETIME,
    "pausedAt" DATETIME,
    "linkBase" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "stakeholder_update_plan_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "stakeholder_update_plan_enabled_nextDueAt_idx" ON "stakeholder_update_plan"("enabled", "nextDueAt");

CREATE TABLE "stakeholder_update_message" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "sentById" TEXT,
    "sentByName" TEXT,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "channels" TEXT NOT NULL DEFAULT '[]',
    "recipients" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "error" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "deliveredAt" DATETIME,
    CONSTRAINT "stakeholder_update_message_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "stakeholder_update_message_runId_sentAt_idx" ON "stakeholder_update_message"("runId", "sentAt");
CREATE INDEX "stakeholder_update_message_status_nextAttemptAt_idx" ON "stakeholder_update_message"("status", "nextAttemptAt");
