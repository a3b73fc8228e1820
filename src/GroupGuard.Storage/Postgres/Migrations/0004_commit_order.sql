-- Commit order for digests (as SQLite's 0013): identities are handed out when a row is inserted,
-- not when it commits, so an incident's commit_seq is taken from its own sequence at the end of
-- its transaction under one advisory lock (IncidentStore): the numbers any reader sees are then
-- always a prefix, and a digest that covered up to high_seq missed nothing below it.
ALTER TABLE incidents ADD COLUMN commit_seq BIGINT;
UPDATE incidents SET commit_seq = id;
CREATE INDEX ix_incidents_commit_seq ON incidents (commit_seq);
CREATE SEQUENCE incident_commit_seq;
SELECT setval('incident_commit_seq', COALESCE((SELECT MAX(id) FROM incidents), 0) + 1, false);
ALTER TABLE digests ADD COLUMN high_seq BIGINT;
