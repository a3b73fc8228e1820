-- What kind of failure a join request's answer met (action_error_kind, as an incident's: e.g.
-- 'not_permitted'), so that the digest says why in a few words and leaves the platform's own
-- (action_error) to the log. Null for answers recorded before, and for those that did not fail.
ALTER TABLE join_decisions ADD COLUMN action_error_kind TEXT;
