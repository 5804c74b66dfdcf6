-- Teams as records. A step's team was free text, so "BA+OS" and "OS+BA" were two teams and a typo
-- a third. Now a step belongs to a set of teams (step_team); step.team stays as the set's text,
-- the names joined by "+" in canonical order (by key), which runs freeze and exports print.
CREATE TABLE "team" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

CREATE UNIQUE INDEX "team_key_key" ON "team"("key");

CREATE TABLE "step_team" (
    "stepId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,

    PRIMARY KEY ("stepId", "teamId"),
    CONSTRAINT "step_team_stepId_fkey" FOREIGN KEY ("stepId") REFERENCES "step" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "step_team_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX "step_team_teamId_idx" ON "step_team"("teamId");

-- Every existing step's team text split at "+" into trimmed names, with the key
-- lib/teams/model.ts teamKey gives them (case folded, runs of spaces made one).
CREATE TEMP TABLE "_team_part" ("stepId" TEXT NOT NULL, "name" TEXT NOT NULL, "key" TEXT NOT NULL);

WITH RECURSIVE "parts"("stepId", "rest", "name") AS (
    SELECT "id", "team" || '+', NULL FROM "step" WHERE trim("team") <> ''
    UNION ALL
    SELECT "stepId", substr("rest", instr("rest", '+') + 1), trim(substr("rest", 1, instr("rest", '+') - 1))
    FROM "parts" WHERE "rest" <> ''
)
INSERT INTO "_team_part" ("stepId", "name", "key")
SELECT "stepId", "clean", lower("clean")
FROM (
    SELECT "stepId", replace(replace(replace(replace("name", char(9), ' '), '    ', ' '), '   ', ' '), '  ', ' ') AS "clean"
    FROM "parts" WHERE "name" IS NOT NULL AND "name" <> ''
);

-- One team per key, named as most steps spell it (ties: the first spelling in sort order).
INSERT INTO "team" ("id", "name", "key", "description", "createdAt", "updatedAt")
SELECT 'team_' || lower(hex(randomblob(12))), (
           SELECT "p2"."name" FROM "_team_part" AS "p2" WHERE "p2"."key" = "p"."key"
           GROUP BY "p2"."name" ORDER BY count(*) DESC, "p2"."name" LIMIT 1
       ), "p"."key", '', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
FROM (SELECT DISTINCT "key" FROM "_team_part") AS "p";

INSERT OR IGNORE INTO "step_team" ("stepId", "teamId")
SELECT "p"."stepId", "t"."id" FROM "_team_part" AS "p" JOIN "team" AS "t" ON "t"."key" = "p"."key";

-- The plan's texts become canonical ("OS+BA" -> "BA+OS"). Runs are records: step_run keeps the
-- text it froze, and nothing here touches it.
UPDATE "step" SET "team" = coalesce((
    SELECT group_concat("t"."name", '+' ORDER BY "t"."key")
    FROM "step_team" AS "st" JOIN "team" AS "t" ON "t"."id" = "st"."teamId"
    WHERE "st"."stepId" = "step"."id"
), '');

DROP TABLE "_team_part";
