-- A fleet step signed off while some clients weren't in the state its action asks for records
-- the exceptions and why; every fleet sign-off records the client counts it was signed off with.
ALTER TABLE "step_run" ADD COLUMN "exceptionReason" TEXT NOT NULL DEFAULT '';
ALTER TABLE "step_run" ADD COLUMN "fleetOutcome" TEXT;
