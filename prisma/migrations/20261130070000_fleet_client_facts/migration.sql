-- A client's facts as an ended run recorded them: copied onto that run's fleet rows the first time
-- the client is edited after the run ended (NULL: never edited since, read the client itself).
ALTER TABLE "fleet_client_run" ADD COLUMN "hostname" TEXT;
ALTER TABLE "fleet_client_run" ADD COLUMN "os" TEXT;
ALTER TABLE "fleet_client_run" ADD COLUMN "hardware" TEXT;
ALTER TABLE "fleet_client_run" ADD COLUMN "policy" TEXT;
ALTER TABLE "fleet_client_run" ADD COLUMN "owner" TEXT;
