-- The flood and repeat streams several instances share (StreamLog): one row per message of a
-- stream; a redelivery to another instance conflicts on the key and adds nothing.
CREATE TABLE stream_log (
    stream  TEXT NOT NULL,
    message TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (stream, message)
);
CREATE INDEX stream_log_by_stream_at ON stream_log (stream, at);
CREATE INDEX stream_log_by_at ON stream_log (at);
