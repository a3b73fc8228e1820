-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- Commands in the group, and the console: switches set at runtime per group (dry run; NULL: the
-- configuration applies), and which incidents each warning GroupGuard sent was about, so that a
-- reply to a warning finds them.
CREATE TABLE group_switches (
    platform   TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    dry_run    INTEGER,                    -- 1 on, 0 off, NULL not switched
    changed_at TEXT NOT NULL,
    changed_by TEXT,                       -- qq:<user id>, a console account …
    PRIMARY KEY (platform, group_id)
);

CREATE TABLE warning_messages (
    platform    TEXT NOT NULL,
    bot_id      TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    message_id  TEXT NOT NULL,             -- the warning's id, as the platform gave it when sending
    incident_id INTEGER NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (platform, bot_id, group_id, message_id, incident_id)
);
CREATE INDEX ix_warning_messages_at ON warning_messages (at);
