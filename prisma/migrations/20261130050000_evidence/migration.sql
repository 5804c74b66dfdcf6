-- Evidence attached to a step (or one fleet client) of a run. The file lives in the evidence folder
-- under its SHA-256; this row is the record of it: what, how large, by whom, when.
CREATE TABLE "attachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "clientId" TEXT,
    "clientHostname" TEXT,
    "sha256" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "uploadedById" TEXT,
    "uploadedByName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "attachment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "attachment_uploadedById_fkey" FOREIGN KEY ("uploadedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "attachment_runId_stepId_idx" ON "attachment"("runId", "stepId");
CREATE INDEX "attachment_uploadedById_idx" ON "attachment"("uploadedById");
CREATE INDEX "attachment_sha256_idx" ON "attachment"("sha256");
