-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- An incident says which protocol its message came in on (actions go back the same way), what
-- platform actions were planned while its action is pending (a restart carries out exactly
-- those), and what kind of failure its action error is.
ALTER TABLE incidents ADD COLUMN protocol TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN planned_actions TEXT NOT NULL DEFAULT '';  -- e.g. 'recall mute'
ALTER TABLE incidents ADD COLUMN action_error_kind TEXT;                     -- e.g. 'not_permitted'

-- Incidents stored before this migration did not record their protocol. Until now every QQ
-- message came over OneBot v11 and every other platform over OneBot v12, so that is what they were.
UPDATE incidents SET protocol = CASE platform WHEN 'qq' THEN 'onebot.v11' ELSE 'onebot.v12' END;
