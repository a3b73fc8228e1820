-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- How many offending messages a digest or an alert counted (its headline's 发现 8 条违规消息, a
-- message of several hits once, those marked false positive left out), so that the console's list
-- of digests shows what each one said, not its incidents (hits). Null for digests made before.
ALTER TABLE digests ADD COLUMN messages INTEGER;
