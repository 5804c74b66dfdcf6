-- Planned clock times: a fixed-time step ("not before 22:00", after the last backup job) and a lag
-- after a predecessor ("15 min after 14"). Defaults mean what every plan meant so far: no fixed
-- time, no wait.
ALTER TABLE "step" ADD COLUMN "notBefore" TEXT NOT NULL DEFAULT '';
ALTER TABLE "step_dependency" ADD COLUMN "lagMinutes" INTEGER NOT NULL DEFAULT 0;
-- The run's frozen copy; runs frozen before this migration had neither.
ALTER TABLE "step_run" ADD COLUMN "predecessorLags" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "step_run" ADD COLUMN "notBefore" TEXT NOT NULL DEFAULT '';
