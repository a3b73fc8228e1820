-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- Moderation: evidence and review fields on incidents, hourly message counters.
-- ADD COLUMN with a constant default rewrites nothing: existing incidents read the defaults.

ALTER TABLE incidents ADD COLUMN group_name TEXT;
ALTER TABLE incidents ADD COLUMN normalized_text TEXT;      -- NULL when not stored, and after masking
-- Evidence spans in message_text as JSON: [{"start":3,"length":2}] (UTF-16 offsets); '[]' for none.
ALTER TABLE incidents ADD COLUMN spans TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN mute_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN false_positive INTEGER NOT NULL DEFAULT 0 CHECK (false_positive IN (0, 1));
ALTER TABLE incidents ADD COLUMN review_note TEXT;
ALTER TABLE incidents ADD COLUMN reviewed_at TEXT;          -- UTC text like time

-- Escalation counts a user's recent offences in one group on every flagged message.
CREATE INDEX ix_incidents_offender_time ON incidents (platform, group_id, user_id, time);

-- Messages seen per group and hour; hour is the start of the UTC hour in the time format.
CREATE TABLE message_counts (
    platform TEXT NOT NULL,
    group_id TEXT NOT NULL,
    hour     TEXT NOT NULL,
    count    INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (platform, group_id, hour)
);

-- Digests read a period across all groups; retention deletes by age.
CREATE INDEX ix_message_counts_hour ON message_counts (hour);
