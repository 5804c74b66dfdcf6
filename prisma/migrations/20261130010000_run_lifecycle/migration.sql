-- Who ended a run by hand (abort, or a rehearsal ended early), and why.
ALTER TABLE "run" ADD COLUMN "endReason" TEXT NOT NULL DEFAULT '';
ALTER TABLE "run" ADD COLUMN "endedById" TEXT REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "run" ADD COLUMN "endedByName" TEXT;

-- CreateIndex
CREATE INDEX "run_endedById_idx" ON "run"("endedById");
