-- Every change an admin makes to a guild's catalog, written in the same transaction as
-- the change itself, so the history can never disagree with the data.
-- Values are JSON (NULL: the field was empty, or the row did not exist).

CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    actor_id     INTEGER NOT NULL,
    at           INTEGER NOT NULL,               -- UTC epoch seconds (bot.clock)
    action       TEXT    NOT NULL
                 CHECK (action IN ('set', 'create', 'delete', 'import', 'revert')),
    show_slug    TEXT,                            -- for filtering; survives the show
    entity_kind  TEXT    NOT NULL,
    entity_id    INTEGER NOT NULL,
    label        TEXT    NOT NULL DEFAULT '',     -- "episode 2", "character lee-eun-soo"
    field        TEXT    NOT NULL DEFAULT '',     -- '' names the row as a whole
    old_value    TEXT,
    new_value    TEXT,
    source_key   TEXT,
    old_sources  TEXT    NOT NULL DEFAULT '[]',   -- JSON keys that backed the old value
    reverts      INTEGER REFERENCES history(id)
) STRICT;

CREATE INDEX history_by_guild ON history(guild_id, id);
CREATE INDEX history_by_field ON history(guild_id, entity_kind, entity_id, field, id);
CREATE INDEX history_by_show ON history(guild_id, show_slug, id);
