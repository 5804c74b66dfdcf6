-- A run is a record: each run keeps a frozen copy of the plan as it was when it started (phases in
-- run_phase, each step's planned facts on its step_run row), and the names of the people who acted
-- as they were at that moment. Plan steps are no longer foreign keys of run records, so editing or
-- deleting a plan step can't change or delete what a run recorded. Every plan change is a numbered
-- plan_version with a snapshot and its SHA-256.

-- CreateTable
CREATE TABLE "plan_version" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "plan_version_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "plan_version_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "run_phase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "phaseId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "inWindow" BOOLEAN NOT NULL DEFAULT true,
    CONSTRAINT "run_phase_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "run" ADD COLUMN "planVersion" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "run" ADD COLUMN "planHash" TEXT NOT NULL DEFAULT '';

-- Backfill: every existing run gets the project's current phases as its frozen phases.
INSERT INTO "run_phase" ("id", "runId", "phaseId", "position", "title", "description", "inWindow")
SELECT r."id" || ':' || ph."id", r."id", ph."id", ph."position", ph."title", ph."description", ph."inWindow"
  FROM "run" r JOIN "phase" ph ON ph."projectId" = r."projectId";

-- RedefineTable: step_run without the foreign key to step, with the frozen plan facts and names.
CREATE TABLE "new_step_run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "runPhaseId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "details" TEXT NOT NULL DEFAULT '',
    "commands" TEXT NOT NULL DEFAULT '',
    "verification" TEXT NOT NULL DEFAULT '',
    "team" TEXT NOT NULL DEFAULT '',
    "assigneeId" TEXT,
    "assigneeName" TEXT,
    "plannedMinutes" INTEGER NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'TASK',
    "isFleet" BOOLEAN NOT NULL DEFAULT false,
    "fleetAction" TEXT,
    "predecessorIds" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "startedById" TEXT,
    "startedByName" TEXT,
    "signedOffById" TEXT,
    "signedOffByName" TEXT,
    "signedOffAt" DATETIME,
    "note" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "gateDecision" TEXT,
    "decidedById" TEXT,
    "decidedByName" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "step_run_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "step_run_runPhaseId_fkey" FOREIGN KEY ("runPhaseId") REFERENCES "run_phase" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "step_run_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "step_run_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "step_run_signedOffById_fkey" FOREIGN KEY ("signedOffById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "step_run_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_step_run" (
    "id", "runId", "stepId", "runPhaseId", "position", "title", "details", "commands", "verification", "team",
    "assigneeId", "assigneeName", "plannedMinutes", "kind", "isFleet", "fleetAction", "predecessorIds",
    "status", "startedAt", "finishedAt", "startedById", "startedByName", "signedOffById", "signedOffByName", "signedOffAt",
    "note", "reason", "gateDecision", "decidedById", "decidedByName", "version", "createdAt", "updatedAt")
SELECT sr."id", sr."runId", sr."stepId", sr."runId" || ':' || s."phaseId", s."position", s."title", s."details", s."commands", s."verification", s."team",
       s."assigneeId", (SELECT u."name" FROM "user" u WHERE u."id" = s."assigneeId"), s."plannedMinutes", s."kind", s."isFleet", s."fleetAction",
       coalesce((SELECT json_group_array(d."predecessorId") FROM "step_dependency" d WHERE d."stepId" = s."id"), '[]'),
       sr."status", sr."startedAt", sr."finishedAt",
       sr."startedById", (SELECT u."name" FROM "user" u WHERE u."id" = sr."startedById"),
       sr."signedOffById", (SELECT u."name" FROM "user" u WHERE u."id" = sr."signedOffById"), sr."signedOffAt",
       sr."note", sr."reason", sr."gateDecision",
       sr."decidedById", (SELECT u."name" FROM "user" u WHERE u."id" = sr."decidedById"),
       sr."version", sr."createdAt", sr."updatedAt"
  FROM "step_run" sr JOIN "step" s ON s."id" = sr."stepId";
DROP TABLE "step_run";
ALTER TABLE "new_step_run" RENAME TO "step_run";
CREATE INDEX "step_run_stepId_idx" ON "step_run"("stepId");
CREATE INDEX "step_run_runPhaseId_idx" ON "step_run"("runPhaseId");
CREATE INDEX "step_run_assigneeId_idx" ON "step_run"("assigneeId");
CREATE INDEX "step_run_startedById_idx" ON "step_run"("startedById");
CREATE INDEX "step_run_signedOffById_idx" ON "step_run"("signedOffById");
CREATE INDEX "step_run_decidedById_idx" ON "step_run"("decidedById");
CREATE UNIQUE INDEX "step_run_runId_stepId_key" ON "step_run"("runId", "stepId");

-- RedefineTable: fleet_client_run without the foreign key to step, with the updater's name as it was.
CREATE TABLE "new_fleet_client_run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "reason" TEXT NOT NULL DEFAULT '',
    "updatedById" TEXT,
    "updatedByName" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "fleet_client_run_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "fleet_client_run_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "fleet_client" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "fleet_client_run_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_fleet_client_run" ("id", "runId", "stepId", "clientId", "status", "reason", "updatedById", "updatedByName", "version", "createdAt", "updatedAt")
SELECT f."id", f."runId", f."stepId", f."clientId", f."status", f."reason", f."updatedById", (SELECT u."name" FROM "user" u WHERE u."id" = f."updatedById"), f."version", f."createdAt", f."updatedAt"
  FROM "fleet_client_run" f;
DROP TABLE "fleet_client_run";
ALTER TABLE "new_fleet_client_run" RENAME TO "fleet_client_run";
CREATE INDEX "fleet_client_run_stepId_idx" ON "fleet_client_run"("stepId");
CREATE INDEX "fleet_client_run_clientId_idx" ON "fleet_client_run"("clientId");
CREATE INDEX "fleet_client_run_updatedById_idx" ON "fleet_client_run"("updatedById");
CREATE INDEX "fleet_client_run_runId_stepId_status_idx" ON "fleet_client_run"("runId", "stepId", "status");
CREATE UNIQUE INDEX "fleet_client_run_runId_stepId_clientId_key" ON "fleet_client_run"("runId", "stepId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "plan_version_projectId_version_key" ON "plan_version"("projectId", "version");
CREATE INDEX "plan_version_actorId_idx" ON "plan_version"("actorId");
CREATE UNIQUE INDEX "run_phase_runId_phaseId_key" ON "run_phase"("runId", "phaseId");
CREATE INDEX "run_phase_runId_position_idx" ON "run_phase"("runId", "position");
