-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- Times are UTC text 'yyyy-MM-ddTHH:mm:ss.fffZ', so text order is time order.
-- Enums are lowercase names. Plain (non-STRICT) tables keep the file readable by older sqlite3 shells.

CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    time             TEXT NOT NULL,  -- when the message was sent (the platform's time)
    detected_at      TEXT NOT NULL,  -- when GroupGuard recorded it
    platform         TEXT NOT NULL,
    bot_id           TEXT NOT NULL,
    group_id         TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    sender_name      TEXT,
    sender_role      TEXT NOT NULL,
    message_id       TEXT NOT NULL,
    pack             TEXT NOT NULL,
    rule             TEXT NOT NULL,
    category         TEXT NOT NULL,
    severity         TEXT NOT NULL,
    matched_term     TEXT NOT NULL,
    message_text     TEXT NOT NULL,
    decided_action   TEXT NOT NULL,
    action_status    TEXT NOT NULL,
    action_error     TEXT,
    rule_set_version TEXT NOT NULL
);

-- A redelivered event carries the same platform, bot, message id and time: it must not make a
-- second incident for the same rule.
CREATE UNIQUE INDEX ux_incidents_message_rule ON incidents (platform, bot_id, message_id, time, rule);
CREATE INDEX ix_incidents_time ON incidents (time);
CREATE INDEX ix_incidents_group_time ON incidents (group_id, time);

-- One row that CheckAsync rewrites to prove the database takes writes.
CREATE TABLE storage_health (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
