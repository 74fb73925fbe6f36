-- The durable scheduler's timers, countdown plans and the premiere's Discord event.
-- Instants are UTC epoch seconds.

-- One row per piece of future work. `key` is unique per guild so the same stage is
-- never scheduled twice; `due` is the instant the work is for (what users see),
-- `next_at` when the loop should next try it (due, or later after a transient failure).
CREATE TABLE timers (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}',   -- JSON object
    due         INTEGER NOT NULL,
    next_at     INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'sent', 'failed', 'missed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT,
    result      TEXT,                            -- e.g. the message id the work produced
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,
    UNIQUE (guild_id, key)
) STRICT;

-- The loop's one query: the earliest pending timer. Partial, so finished rows cost nothing.
CREATE INDEX timers_pending_next ON timers(next_at) WHERE status = 'pending';
-- The ledger: a guild's timers by kind and status.
CREATE INDEX timers_by_guild ON timers(guild_id, kind, status, due);

-- A show's countdown plan, once a moderator confirmed it: re-planned when the premiere moves.
CREATE TABLE announce_plans (
    guild_id   INTEGER NOT NULL,
    show_slug  TEXT    NOT NULL,
    channel_id INTEGER,                          -- NULL: the guild's announce channel
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, show_slug)
) STRICT;

-- The Guild Scheduled Event made for a show's premiere, so it is updated, never duplicated.
CREATE TABLE show_events (
    guild_id  INTEGER NOT NULL,
    show_slug TEXT    NOT NULL,
    event_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, show_slug)
) STRICT;
