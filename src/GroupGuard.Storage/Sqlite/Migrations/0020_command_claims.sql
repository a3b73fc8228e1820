-- A group command (/gg ...) and the instance that carries it out: on a database several instances
-- share, a command delivered to two of them (each connected to the same bot) is carried out and
-- answered by the first to claim it. Kept a day; the message's time is in the key because OneBot
-- implementations reuse short message ids after a restart.
CREATE TABLE command_claims (
    platform    TEXT NOT NULL,
    bot_id      TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    time        TEXT NOT NULL,
    instance    TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (platform, bot_id, group_id, message_id, time)
);
CREATE INDEX ix_command_claims_at ON command_claims (at);
