-- The change request a cutover runs under (ServiceNow, Jira…), and a link template that turns its
-- number into a URL; shown on the project, the run page and the PDF cover.
ALTER TABLE "project" ADD COLUMN "changeTicket" TEXT NOT NULL DEFAULT '';
ALTER TABLE "project" ADD COLUMN "changeLinkTemplate" TEXT NOT NULL DEFAULT '';
-- Which NetBackup the move is for, and whether the new box has the same OS and CPU architecture:
-- the commands (8.1+ certificates and DR package) and the copy path (tar vs fresh install plus
-- catalog recovery) depend on both. Existing projects were planned for a current release on the
-- same platform.
ALTER TABLE "project" ADD COLUMN "netbackupVersion" TEXT NOT NULL DEFAULT 'V8_1_TO_9';
ALTER TABLE "project" ADD COLUMN "platformPath" TEXT NOT NULL DEFAULT 'SAME_PLATFORM';
-- A run keeps the ticket it ran under: the project moves on to its next change, the record doesn't.
ALTER TABLE "run" ADD COLUMN "changeTicket" TEXT NOT NULL DEFAULT '';
ALTER TABLE "run" ADD COLUMN "changeUrl" TEXT NOT NULL DEFAULT '';
