-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- An alert's incidents it said 待处置 for (the platform had not yet answered their recall, mute or
-- kick), as a list of ids like incident_ids, so that its one follow-up (kept under
-- alert-followup:<rule> with the alert's period) tells what became of them, after a restart too.
-- Null for digests, for alerts that waited for nothing, and for those made before.
ALTER TABLE digests ADD COLUMN pending_ids TEXT;
