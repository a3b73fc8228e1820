-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.

-- Each join request GroupGuard screened and what it decided: rejected (blocked, or a rule of a
-- category the group turns away), approved (nothing hit, AutoApprove), or left to the admins with
-- the hit they should know of. One row per request: a replay of the same request finds it.
-- comment and nickname are evidence: kept per GroupGuard:Privacy and masked or deleted by retention.
CREATE TABLE join_decisions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    time          TEXT NOT NULL,            -- when the request was made (the platform's time)
    decided_at    TEXT NOT NULL,
    platform      TEXT NOT NULL,
    protocol      TEXT NOT NULL,
    bot_id        TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    group_name    TEXT,
    user_id       TEXT NOT NULL,
    nickname      TEXT,
    comment       TEXT NOT NULL,
    flag          TEXT NOT NULL,            -- what the platform needs to answer it
    outcome       TEXT NOT NULL,            -- rejected | approved | left
    reason        TEXT NOT NULL,            -- blocked | rule | clean
    rule          TEXT,
    category      TEXT,
    matched_term  TEXT,
    action_status TEXT NOT NULL,
    action_error  TEXT,
    block_note    TEXT,
    UNIQUE (platform, bot_id, group_id, flag, time)
);

CREATE INDEX join_decisions_by_decided_at ON join_decisions (decided_at);

-- Users turned away from every group of their platform: kicked by GroupGuard (incident_id names
-- the kick's incident; marking it a false positive lifts the block) or added by an operator.
CREATE TABLE user_blocks (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    note        TEXT,
    incident_id INTEGER,
    PRIMARY KEY (platform, user_id)
);
