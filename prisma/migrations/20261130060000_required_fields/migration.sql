-- A step can ask for values at sign-off ("media ID of the catalog backup", "image count"): defined
-- on the plan step, frozen into each run, and the values recorded with the sign-off.
ALTER TABLE "step" ADD COLUMN "requiredFields" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "step_run" ADD COLUMN "requiredFields" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "step_run" ADD COLUMN "fieldValues" TEXT NOT NULL DEFAULT '{}';
