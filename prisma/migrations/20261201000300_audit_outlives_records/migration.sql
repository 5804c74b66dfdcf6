-- The audit trail outlives the records it describes: removing the demo deletes its projects and
-- runs, while their events stay on the chain (deleting events would break it, and an audit trail
-- that forgets isn't one). So audit_event no longer has foreign keys to project and run; the ids
-- stay as they were recorded. The rows are copied unchanged, so every hash still verifies.
CREATE TABLE "new_audit_event" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "projectId" TEXT,
    "runId" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "before" TEXT NOT NULL,
    "after" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    CONSTRAINT "audit_event_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_audit_event" ("seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
SELECT "seq", "at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash" FROM "audit_event";
DROP TABLE "audit_event";
ALTER TABLE "new_audit_event" RENAME TO "audit_event";
CREATE INDEX "audit_event_projectId_seq_idx" ON "audit_event"("projectId", "seq");
CREATE INDEX "audit_event_runId_seq_idx" ON "audit_event"("runId", "seq");
CREATE INDEX "audit_event_actorId_idx" ON "audit_event"("actorId");
CREATE UNIQUE INDEX "audit_event_prevHash_key" ON "audit_event"("prevHash");
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");
