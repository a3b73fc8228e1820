-- As SQLite's 0016: a robot channel's parts that arrived are counted as each arrives
-- (parts_delivered), so a retry after a refused part, or a restart after a crash mid-send, posts
-- only the parts after them and the group never sees a part twice.
ALTER TABLE digest_channels ADD COLUMN parts_delivered INTEGER NOT NULL DEFAULT 0 CHECK (parts_delivered >= 0);
