-- A run's steps in order: getRunView reads them in keyset pages on (position, id), each page from
-- this index instead of sorting all of the run's steps again.
CREATE INDEX "step_run_runId_position_id_idx" ON "step_run"("runId", "position", "id");
