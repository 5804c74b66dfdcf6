-- The installation settings a new install starts with, as SQLite's migrations insert them
-- (prisma/migrations/20261201050000_project_members): projects are shown to their members only.
INSERT INTO "setting" ("key", "value", "updatedAt")
VALUES ('projectVisibility', 'members', CURRENT_TIMESTAMP AT TIME ZONE 'UTC')
ON CONFLICT ("key") DO NOTHING;
