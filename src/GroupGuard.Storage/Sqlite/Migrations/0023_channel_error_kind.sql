-- What kind of failure a digest's or an alert's channel met (error_kind, e.g. 'unreachable',
-- 'refused'), so that the console says it in its own words before the channel's (error). Null for
-- outcomes recorded before, and for channels without an error.
ALTER TABLE digest_channels ADD COLUMN error_kind TEXT;
