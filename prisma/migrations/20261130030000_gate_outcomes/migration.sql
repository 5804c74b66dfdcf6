-- Gates say what a No-Go means (roll back, abort, or hold for a second decision), which named
-- approvals a Go needs (by role or by person), and whether four-eyes applies. Runs freeze these
-- with the rest of the plan. Each approval is a row of its own, kept with its note.
ALTER TABLE "step" ADD COLUMN "noGoOutcome" TEXT NOT NULL DEFAULT 'ROLLBACK';
ALTER TABLE "step" ADD COLUMN "gateApprovers" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "step" ADD COLUMN "fourEyes" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "step_run" ADD COLUMN "noGoOutcome" TEXT NOT NULL DEFAULT 'ROLLBACK';
ALTER TABLE "step_run" ADD COLUMN "gateApprovers" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "step_run" ADD COLUMN "fourEyes" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "step_run" ADD COLUMN "heldAt" DATETIME;
ALTER TABLE "step_run" ADD COLUMN "heldByName" TEXT;
ALTER TABLE "step_run" ADD COLUMN "holdNote" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "gate_approval" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "slot" INTEGER,
    "decision" TEXT NOT NULL,
    "userId" TEXT,
    "userName" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "at" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    CONSTRAINT "gate_approval_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "gate_approval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "gate_approval_runId_stepId_idx" ON "gate_approval"("runId", "stepId");
CREATE INDEX "gate_approval_userId_idx" ON "gate_approval"("userId");
