-- Episode discussions: one thread per (guild, show, episode), the pinned index per show,
-- and the last permission problem told to moderators (so it is told once, not per start).

-- A combined double drop is one thread shared by several episode rows.
CREATE TABLE discussions (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    show_slug  TEXT    NOT NULL,
    episode    INTEGER NOT NULL CHECK (episode >= 1),
    thread_id  INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,                 -- the forum or text channel it lives in
    status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_at  INTEGER NOT NULL,
    closed_at  INTEGER,
    UNIQUE (guild_id, show_slug, episode)
) STRICT;

CREATE INDEX discussions_by_thread ON discussions(guild_id, thread_id);

-- The pinned index of a show's discussions: a forum post (thread_id = its id) or a
-- pinned message in a text channel (thread_id NULL).
CREATE TABLE discussion_indexes (
    guild_id   INTEGER NOT NULL,
    show_slug  TEXT    NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    thread_id  INTEGER,
    PRIMARY KEY (guild_id, show_slug)
) STRICT;

-- What was last reported missing in the discussion channel ('' = nothing missing).
CREATE TABLE discussion_warnings (
    guild_id   INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    problem    TEXT    NOT NULL,
    told_at    INTEGER NOT NULL
) STRICT;
