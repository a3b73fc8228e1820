-- Messages counted once (IIncidentStore.CountMessagesAsync): the key of each message counted (its incidents' key but for the rule) in
-- message_counts, so a redelivery to another instance or a replay of an instance's inbox journal
-- after a crash adds nothing. Kept a day after it was counted (counted_at), then deleted by
-- whichever instance counts.
CREATE TABLE counted_messages (
    platform   TEXT NOT NULL,
    bot_id     TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    message_id TEXT NOT NULL,
    time       TEXT NOT NULL,
    hour       TEXT NOT NULL,
    counted_at TEXT NOT NULL,
    PRIMARY KEY (platform, bot_id, group_id, message_id, time)
);
CREATE INDEX ix_counted_messages_counted_at ON counted_messages (counted_at);
