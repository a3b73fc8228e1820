-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- The console: who marked an incident, indexes for its filters (keyset paging runs on id within
-- each), accounts, failed sign-ins and the audit log.
ALTER TABLE incidents ADD COLUMN reviewed_by TEXT;
CREATE INDEX ix_incidents_group_id ON incidents (group_id, id);
CREATE INDEX ix_incidents_user_id ON incidents (user_id, id);
CREATE INDEX ix_incidents_rule_id ON incidents (rule, id);

CREATE TABLE console_accounts (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,           -- admin | leader
    group_ids     TEXT NOT NULL,           -- a leader's groups, comma-separated ('' for an admin)
    password_hash TEXT NOT NULL,           -- pbkdf2-sha256$iterations$salt$hash
    created_at    TEXT NOT NULL,
    locked_until  TEXT
);

-- Failed sign-ins, for the lockout window; names that have no account are counted too.
CREATE TABLE console_login_failures (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX ix_console_login_failures ON console_login_failures (name, at);

CREATE TABLE console_audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    remote TEXT
);
