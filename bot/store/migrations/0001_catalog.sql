-- Per-guild show catalogs and guild settings.
-- Every catalog row hangs off a guild: a guild never sees another guild's rows.
-- Instants are UTC epoch seconds; a precision says how much of an instant is known.

CREATE TABLE guild_settings (
    guild_id               INTEGER PRIMARY KEY,
    announce_channel_id    INTEGER,
    discussion_channel_id  INTEGER,
    log_channel_id         INTEGER,
    notify_role_id         INTEGER,
    moderator_role_id      INTEGER,
    admin_role_id          INTEGER,
    timezone               TEXT    NOT NULL DEFAULT 'Asia/Seoul',
    default_show           TEXT,
    catchup_seconds        INTEGER NOT NULL DEFAULT 3600 CHECK (catchup_seconds >= 0),
    watchable_delay_seconds INTEGER NOT NULL DEFAULT 0 CHECK (watchable_delay_seconds >= 0),
    combine_double_drops   INTEGER NOT NULL DEFAULT 0 CHECK (combine_double_drops IN (0, 1)),
    archive_minutes        INTEGER NOT NULL DEFAULT 10080
                           CHECK (archive_minutes IN (60, 1440, 4320, 10080)),
    -- Set once the bundled shows were copied in; never re-seeds a catalog an admin emptied.
    seeded_at              INTEGER
) STRICT;

CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    publisher TEXT    NOT NULL,
    title     TEXT    NOT NULL DEFAULT '',
    published TEXT,               -- ISO date as the source gives it
    url       TEXT,
    UNIQUE (guild_id, key)
) STRICT;

CREATE TABLE shows (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    slug               TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    native_title       TEXT,
    platform           TEXT,
    format             TEXT,
    episode_count      INTEGER CHECK (episode_count IS NULL OR episode_count >= 0),
    premiere_at        INTEGER,
    premiere_precision TEXT CHECK (premiere_precision IN ('year', 'month', 'day', 'minute')),
    premiere_tz        TEXT    NOT NULL DEFAULT 'Asia/Seoul',
    logline            TEXT,
    synopsis           TEXT,
    genres             TEXT    NOT NULL DEFAULT '[]',   -- JSON array of strings
    poster_url         TEXT,
    UNIQUE (guild_id, slug),
    CHECK ((premiere_at IS NULL) = (premiere_precision IS NULL))
) STRICT;

-- Former and working titles ("previously titled ...").
CREATE TABLE show_titles (
    id      INTEGER PRIMARY KEY,
    show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    title   TEXT    NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('former', 'working')),
    UNIQUE (show_id, title)
) STRICT;

-- Earlier, less precise reports of a release ("sometime in March 2022").
CREATE TABLE release_reports (
    id         INTEGER PRIMARY KEY,
    show_id    INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    episode    INTEGER,            -- NULL: the premiere
    at         INTEGER NOT NULL,
    precision  TEXT    NOT NULL CHECK (precision IN ('year', 'month', 'day', 'minute')),
    tz         TEXT    NOT NULL
) STRICT;

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    native_name TEXT,
    UNIQUE (guild_id, slug)
) STRICT;

CREATE TABLE known_for (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    work      TEXT    NOT NULL,
    year      INTEGER,
    UNIQUE (person_id, work)
) STRICT;

CREATE TABLE characters (
    id          INTEGER PRIMARY KEY,
    show_id     INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,    -- the preferred spelling
    description TEXT,
    UNIQUE (show_id, slug)
) STRICT;

CREATE TABLE credits (
    id           INTEGER PRIMARY KEY,
    show_id      INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role         TEXT    NOT NULL,   -- cast, director, writer, ...
    character_id INTEGER REFERENCES characters(id) ON DELETE SET NULL,
    billing      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (show_id, person_id, role)
) STRICT;

-- Other spellings of a person's, character's or show's name. The preferred one is
-- the entity's own name column; "prefer" swaps them.
CREATE TABLE aliases (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    entity_kind TEXT    NOT NULL CHECK (entity_kind IN ('show', 'person', 'character')),
    entity_id   INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    UNIQUE (entity_kind, entity_id, name)
) STRICT;

CREATE TABLE episodes (
    id                INTEGER PRIMARY KEY,
    show_id           INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    number            INTEGER NOT NULL CHECK (number >= 1),
    title             TEXT,
    release_at        INTEGER,
    release_precision TEXT CHECK (release_precision IN ('year', 'month', 'day', 'minute')),
    release_tz        TEXT    NOT NULL DEFAULT 'Asia/Seoul',
    synopsis          TEXT,
    UNIQUE (show_id, number),
    CHECK ((release_at IS NULL) = (release_precision IS NULL))
) STRICT;

CREATE TABLE media (
    id               INTEGER PRIMARY KEY,
    show_id          INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('trailer', 'teaser', 'poster', 'ost')),
    title            TEXT,
    artist           TEXT,
    released         TEXT,             -- ISO date
    duration_seconds INTEGER CHECK (duration_seconds IS NULL OR duration_seconds >= 0),
    description      TEXT,
    url              TEXT,
    UNIQUE (show_id, key)
) STRICT;

CREATE TABLE quotes (
    id       INTEGER PRIMARY KEY,
    show_id  INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
    speaker  TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    context  TEXT,
    UNIQUE (show_id, key)
) STRICT;

-- Which sources back which fact. A fact is (entity_kind, entity_id, field); '' names
-- the row as a whole. Aliases and release reports are entities of their own here, so
-- each spelling and each earlier date keeps the source that used it.
CREATE TABLE fact_sources (
    guild_id    INTEGER NOT NULL,
    entity_kind TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL,
    field       TEXT    NOT NULL DEFAULT '',
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (entity_kind, entity_id, field, source_id)
) STRICT;
-- Not WITHOUT ROWID: SQLite 3.40's integrity_check falsely reports NULLs in such a
-- table whose primary key does not start with its first column.

CREATE INDEX fact_sources_by_source ON fact_sources(source_id);
CREATE INDEX aliases_by_entity ON aliases(entity_kind, entity_id);
CREATE INDEX credits_by_person ON credits(person_id);
CREATE INDEX people_by_guild_name ON people(guild_id, name);

-- Keep fact links from outliving their facts (polymorphic keys cannot cascade).
CREATE TRIGGER shows_drop_facts AFTER DELETE ON shows BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'show' AND entity_id = OLD.id;
    DELETE FROM aliases WHERE entity_kind = 'show' AND entity_id = OLD.id;
END;
CREATE TRIGGER people_drop_facts AFTER DELETE ON people BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'person' AND entity_id = OLD.id;
    DELETE FROM aliases WHERE entity_kind = 'person' AND entity_id = OLD.id;
END;
CREATE TRIGGER characters_drop_facts AFTER DELETE ON characters BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'character' AND entity_id = OLD.id;
    DELETE FROM aliases WHERE entity_kind = 'character' AND entity_id = OLD.id;
END;
CREATE TRIGGER aliases_drop_facts AFTER DELETE ON aliases BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'alias' AND entity_id = OLD.id;
END;
CREATE TRIGGER episodes_drop_facts AFTER DELETE ON episodes BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'episode' AND entity_id = OLD.id;
END;
CREATE TRIGGER media_drop_facts AFTER DELETE ON media BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'media' AND entity_id = OLD.id;
END;
CREATE TRIGGER quotes_drop_facts AFTER DELETE ON quotes BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'quote' AND entity_id = OLD.id;
END;
CREATE TRIGGER credits_drop_facts AFTER DELETE ON credits BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'credit' AND entity_id = OLD.id;
END;
CREATE TRIGGER release_reports_drop_facts AFTER DELETE ON release_reports BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'release_report' AND entity_id = OLD.id;
END;
CREATE TRIGGER known_for_drop_facts AFTER DELETE ON known_for BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'known_for' AND entity_id = OLD.id;
END;
CREATE TRIGGER show_titles_drop_facts AFTER DELETE ON show_titles BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'show_title' AND entity_id = OLD.id;
END;
