-- What the demo seed created: demo accounts sign in only from the machine itself, and admins can
-- remove the demo (its accounts and projects) in one action.
ALTER TABLE "user" ADD COLUMN "isDemo" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "project" ADD COLUMN "isDemo" BOOLEAN NOT NULL DEFAULT false;

-- Installs seeded before this migration: the demo's published accounts.
UPDATE "user" SET "isDemo" = true WHERE "email" IN ('admin@runsheet.local', 'operator@runsheet.local', 'viewer@runsheet.local');
UPDATE "project" SET "isDemo" = true WHERE "createdById" IN (SELECT "id" FROM "user" WHERE "isDemo" = true) AND "name" = 'NetBackup master rehost — nbu-master1';
