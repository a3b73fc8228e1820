-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- Members a group's owners and admins trust (/gg 信任, the console): their messages still make
-- incidents, never acted on in that group. At most 200 a group, which the store keeps to.
CREATE TABLE trusted_members (
    platform   TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT,                       -- qq:<user id>, a console account …
    PRIMARY KEY (platform, group_id, user_id)
);

-- Why an exempt incident's sender was spared: admin (owner or admin), bot, service
-- (GroupGuard:Moderation:ExemptUsers, every group) or group (trusted in the group). Null for
-- incidents that are not exempt, and for those recorded before.
ALTER TABLE incidents ADD COLUMN exempt_by TEXT CHECK (exempt_by IN ('admin', 'bot', 'service', 'group'));
