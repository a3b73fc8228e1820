-- The migrator wraps each script in its own transaction: no BEGIN/COMMIT here.
-- (0011 is reserved for work on another branch.)
-- Known bad pictures, by their 64-bit perceptual hash (stored as a signed INTEGER, the same bits):
-- a picture within a few bits of one of them is flagged by the rule images.blocked.
CREATE TABLE image_blocks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    hash        INTEGER NOT NULL UNIQUE,
    incident_id INTEGER,                    -- the incident it was blocked from, if any
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT
);

-- The hashes of the pictures of an incident's message, kept so that `images block INCIDENT_ID`
-- can block one without fetching it again (links expire). `location` is the file name, or the
-- link's host and path: never its query, which carries the platform's tokens.
CREATE TABLE incident_pictures (
    incident_id INTEGER NOT NULL,
    picture     INTEGER NOT NULL,           -- 1 for the message's first picture
    hash        INTEGER NOT NULL,
    location    TEXT NOT NULL,
    PRIMARY KEY (incident_id, picture)
);
