-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- (0010 is taken by work on another branch; the migrator applies each missing version on its own,
-- so the order in which the two arrive does not matter.)

-- A hit in a message forwarded inside the one moderated (QQ's 合并转发): the incident is the outer
-- message's (its id, so a recall removes the bundle), its text the inner message's. forward_depth
-- is 0 for a message's own text, 1 for a bundle it carries, 2 for one inside that; forwarded_from
-- is the inner sender as the bundle names them.
ALTER TABLE incidents ADD COLUMN forward_depth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN forwarded_from TEXT;

-- Kick and clear: after a kick the platform confirmed, how many of the member's other recent
-- messages in the group were recalled, and how many could not be. Counted on the kick's incidents
-- for the digest; each recall is in the log.
ALTER TABLE incidents ADD COLUMN cleared_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN clear_failed INTEGER NOT NULL DEFAULT 0;
