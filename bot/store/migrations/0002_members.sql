-- Members: each member's progress through a show, and the name index search reads.

-- How far a member has watched a show: facts tied to later episodes are spoilers for them.
CREATE TABLE member_progress (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    show_id    INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    episode    INTEGER NOT NULL CHECK (episode >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, show_id)
) STRICT;

-- One row per spelling of a name (preferred, alias, native, former title). Derived from
-- the catalog: rebuilt per guild by bot/store/search.py whenever search_dirty says so.
CREATE TABLE search_entries (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('show', 'person', 'character', 'episode')),
    entity_id INTEGER NOT NULL,
    show_id   INTEGER,              -- the show a character or episode belongs to
    name      TEXT    NOT NULL,     -- this spelling
    label     TEXT    NOT NULL,     -- the preferred name, as shown to members
    preferred INTEGER NOT NULL CHECK (preferred IN (0, 1)),
    norm      TEXT    NOT NULL
) STRICT;
CREATE INDEX search_entries_by_guild ON search_entries(guild_id, kind);

-- Word-start suffixes of each spelling, for prefix search of short queries (< 3 chars).
CREATE TABLE search_keys (
    guild_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    entry_id INTEGER NOT NULL REFERENCES search_entries(id) ON DELETE CASCADE,
    pos      INTEGER NOT NULL,      -- 0: the whole name; n: its n-th word
    PRIMARY KEY (guild_id, kind, key, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX search_keys_by_entry ON search_keys(entry_id);

-- "Who plays this character" reads credits by character.
CREATE INDEX credits_by_character ON credits(character_id);

-- Substring search (3+ characters) over normalized and romanization-folded spellings;
-- rowid = search_entries.id; guild and kind are filtered through that row.
CREATE VIRTUAL TABLE search_fts USING fts5(norm, loose, tokenize = 'trigram');

-- Guilds whose name index is out of date. Plain SQL triggers mark them (so every writer,
-- the data CLI included, keeps search honest); the store rebuilds before the next search.
CREATE TABLE search_dirty (guild_id INTEGER PRIMARY KEY) STRICT;

INSERT OR IGNORE INTO search_dirty (guild_id)
    SELECT guild_id FROM shows UNION SELECT guild_id FROM people;

CREATE TRIGGER search_shows_ins AFTER INSERT ON shows BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_shows_upd AFTER UPDATE OF title, native_title, slug ON shows BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_shows_del AFTER DELETE ON shows BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (OLD.guild_id);
END;
CREATE TRIGGER search_people_ins AFTER INSERT ON people BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_people_upd AFTER UPDATE OF name, native_name ON people BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_people_del AFTER DELETE ON people BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (OLD.guild_id);
END;
CREATE TRIGGER search_aliases_ins AFTER INSERT ON aliases BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_aliases_upd AFTER UPDATE ON aliases BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (NEW.guild_id);
END;
CREATE TRIGGER search_aliases_del AFTER DELETE ON aliases BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id) VALUES (OLD.guild_id);
END;
CREATE TRIGGER search_characters_ins AFTER INSERT ON characters BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = NEW.show_id;
END;
CREATE TRIGGER search_characters_upd AFTER UPDATE OF name ON characters BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = NEW.show_id;
END;
CREATE TRIGGER search_characters_del AFTER DELETE ON characters BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = OLD.show_id;
END;
CREATE TRIGGER search_titles_ins AFTER INSERT ON show_titles BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = NEW.show_id;
END;
CREATE TRIGGER search_titles_del AFTER DELETE ON show_titles BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = OLD.show_id;
END;
CREATE TRIGGER search_episodes_ins AFTER INSERT ON episodes WHEN NEW.title IS NOT NULL BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = NEW.show_id;
END;
CREATE TRIGGER search_episodes_upd AFTER UPDATE OF title ON episodes BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = NEW.show_id;
END;
CREATE TRIGGER search_episodes_del AFTER DELETE ON episodes WHEN OLD.title IS NOT NULL BEGIN
    INSERT OR IGNORE INTO search_dirty (guild_id)
        SELECT guild_id FROM shows WHERE id = OLD.show_id;
END;
