-- Commit order for digests: each incident gets a number in its write (commit_seq; on SQLite, whose
-- writes take turns, the next after the highest, so the incidents stored before take their id),
-- and each digest the highest number it covered (high_seq), so the next one takes exactly what
-- came after, whenever it was detected.
ALTER TABLE incidents ADD COLUMN commit_seq INTEGER;
UPDATE incidents SET commit_seq = id;
CREATE INDEX ix_incidents_commit_seq ON incidents (commit_seq);
ALTER TABLE digests ADD COLUMN high_seq INTEGER;
