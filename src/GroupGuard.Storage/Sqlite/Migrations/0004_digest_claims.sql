-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- A channel about to be sent is claimed until a time, by a process: two instances on one database
-- (or a run and a retry) never send the same digest on the same channel at once. A claim left by
-- a crash runs out, or is released at once when its process is known to be gone.
ALTER TABLE digest_channels ADD COLUMN claimed_until TEXT;
ALTER TABLE digest_channels ADD COLUMN claimed_by TEXT;
