-- A client's network host name, apart from the name its list gives it: VMware and Hyper-V
-- policies may list a VM by its display name ("SQL Server 2019 (prod)"), which is not a host.
-- Empty: the listed name is the host name (every agent client so far).
ALTER TABLE "fleet_client" ADD COLUMN "networkHostname" TEXT NOT NULL DEFAULT '';
-- Frozen with the client's other facts for ended runs (NULL: not frozen, or frozen before this column).
ALTER TABLE "fleet_client_run" ADD COLUMN "networkHostname" TEXT;
