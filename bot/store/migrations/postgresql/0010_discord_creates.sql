-- PostgreSQL twin of ../0010_discord_creates.sql.
-- Creates on Discord that must happen exactly once (forum posts, threads, index posts,
-- scheduled events): the intent is written before the first attempt, so an attempt a
-- crash or a lost answer cut short is known on the next try, which looks on Discord for
-- what it may already have made before creating again.
CREATE TABLE discord_creates (
    guild_id   BIGINT NOT NULL,
    key        TEXT    NOT NULL,            -- what is being made, e.g. "event:<show>"
    state      TEXT    NOT NULL DEFAULT 'intended' CHECK (state IN ('intended', 'created')),
    object_id  BIGINT,                     -- what Discord made, once known
    attempts   BIGINT NOT NULL DEFAULT 0,  -- creates sent so far (0: nothing could exist)
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, key)
);
