-- The console's list of digests reads the newest by period end: through this index, not a walk
-- over every digest and alert ever kept (with their text).
CREATE INDEX ix_digests_period_to ON digests (period_to);
