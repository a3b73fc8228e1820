-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- The digest outbox: one digest per leader and period end, and what became of each channel.

-- Digests read a period of incidents by when GroupGuard recorded them.
CREATE INDEX ix_incidents_detected_at ON incidents (detected_at);

CREATE TABLE digests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    leader       TEXT NOT NULL,
    period_from  TEXT NOT NULL,  -- UTC text like incidents.time, inclusive
    period_to    TEXT NOT NULL,  -- exclusive
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'partial', 'failed')),
    created_at   TEXT NOT NULL,
    title        TEXT NOT NULL,
    markdown     TEXT NOT NULL,
    text         TEXT NOT NULL,
    html         TEXT NOT NULL,
    incident_ids TEXT NOT NULL DEFAULT '[]'  -- JSON array of incident ids: [12,15]
);

-- The outbox key: a restart, a misfire, a retry or a second instance finds the digest already
-- there. It lives in the database, not in memory, so it holds across instances. The unique
-- index also serves the leader's "latest period" and listing queries.
CREATE UNIQUE INDEX ux_digests_leader_period_to ON digests (leader, period_to);

CREATE TABLE digest_channels (
    digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
    channel   TEXT NOT NULL,  -- the channel's configured name
    status    TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts  INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error     TEXT,
    sent_at   TEXT,
    PRIMARY KEY (digest_id, channel)
);
