-- Who started a run, by name as it was then: renaming the user never rewrites the run's record.
ALTER TABLE "run" ADD COLUMN "startedByName" TEXT;
UPDATE "run" SET "startedByName" = (SELECT u."name" FROM "user" u WHERE u."id" = "run"."startedById");
