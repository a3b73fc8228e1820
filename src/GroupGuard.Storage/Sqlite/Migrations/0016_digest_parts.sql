-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- A robot channel posts a long message in parts, one request each: the parts that arrived are
-- counted as each arrives (parts_delivered), so a retry after a refused part, or a restart after a
-- crash mid-send, posts only the parts after them and the group never sees a part twice.
ALTER TABLE digest_channels ADD COLUMN parts_delivered INTEGER NOT NULL DEFAULT 0 CHECK (parts_delivered >= 0);
