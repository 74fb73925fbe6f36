-- Keep the name index up to date in the same transaction as every catalog write.
--
-- 0002 only marked a guild dirty and rebuilt its whole index inside the next search:
-- seconds on a big catalog, past Discord's 3-second answer window for an autocomplete.
-- Here triggers re-derive the spellings of just the entity that changed. Normalization
-- is Python (bot/domain/names.py), registered on every connection the bot opens as the
-- deterministic functions kb_norm, kb_loose and kb_keys (bot/store/db.py
-- register_functions); a bare sqlite3 shell cannot write the catalog without them,
-- which is the point: it could not keep the index honest either.

DROP TRIGGER search_shows_ins;
DROP TRIGGER search_shows_upd;
DROP TRIGGER search_shows_del;
DROP TRIGGER search_people_ins;
DROP TRIGGER search_people_upd;
DROP TRIGGER search_people_del;
DROP TRIGGER search_aliases_ins;
DROP TRIGGER search_aliases_upd;
DROP TRIGGER search_aliases_del;
DROP TRIGGER search_characters_ins;
DROP TRIGGER search_characters_upd;
DROP TRIGGER search_characters_del;
DROP TRIGGER search_titles_ins;
DROP TRIGGER search_titles_del;
DROP TRIGGER search_episodes_ins;
DROP TRIGGER search_episodes_upd;
DROP TRIGGER search_episodes_del;
DROP TABLE search_dirty;

-- Every spelling of every entity, as the index stores it. label is the preferred name
-- members see; an alias whose entity is gone yields nothing.
CREATE VIEW search_spellings (guild_id, kind, entity_id, show_id, name, label, preferred) AS
    SELECT guild_id, 'show', id, id, title, title, 1 FROM shows
    UNION ALL
    SELECT guild_id, 'show', id, id, native_title, title, 0 FROM shows
        WHERE native_title IS NOT NULL
    UNION ALL
    SELECT s.guild_id, 'show', s.id, s.id, t.title, s.title, 0
        FROM show_titles t JOIN shows s ON s.id = t.show_id
    UNION ALL
    SELECT guild_id, 'person', id, NULL, name, name, 1 FROM people
    UNION ALL
    SELECT guild_id, 'person', id, NULL, native_name, name, 0 FROM people
        WHERE native_name IS NOT NULL
    UNION ALL
    SELECT s.guild_id, 'character', c.id, c.show_id, c.name, c.name, 1
        FROM characters c JOIN shows s ON s.id = c.show_id
    UNION ALL
    SELECT s.guild_id, 'episode', e.id, e.show_id, e.title,
           s.title || ' · ' || e.number || ': ' || e.title, 1
        FROM episodes e JOIN shows s ON s.id = e.show_id WHERE e.title IS NOT NULL
    UNION ALL
    SELECT a.guild_id, 'show', s.id, s.id, a.name, s.title, 0
        FROM aliases a JOIN shows s ON s.id = a.entity_id WHERE a.entity_kind = 'show'
    UNION ALL
    SELECT a.guild_id, 'person', p.id, NULL, a.name, p.name, 0
        FROM aliases a JOIN people p ON p.id = a.entity_id WHERE a.entity_kind = 'person'
    UNION ALL
    SELECT a.guild_id, 'character', c.id, c.show_id, a.name, c.name, 0
        FROM aliases a JOIN characters c ON c.id = a.entity_id
        WHERE a.entity_kind = 'character';

CREATE INDEX search_entries_by_entity ON search_entries(kind, entity_id);
CREATE INDEX search_entries_by_show ON search_entries(show_id);

-- An entry brings its word-start keys and trigram row with it, and takes them away.
CREATE TRIGGER search_entries_ins AFTER INSERT ON search_entries BEGIN
    INSERT OR IGNORE INTO search_keys (guild_id, kind, key, entry_id, pos)
        SELECT NEW.guild_id, NEW.kind, json_extract(k.value, '$[1]'), NEW.id,
               json_extract(k.value, '$[0]')
        FROM json_each(kb_keys(NEW.name)) k;
    INSERT INTO search_fts (rowid, norm, loose) VALUES (NEW.id, NEW.norm, kb_loose(NEW.norm));
END;
CREATE TRIGGER search_entries_del AFTER DELETE ON search_entries BEGIN
    DELETE FROM search_keys WHERE entry_id = OLD.id;
    DELETE FROM search_fts WHERE rowid = OLD.id;
END;

-- Each catalog write re-derives the spellings of the entity it touched.
CREATE TRIGGER search_shows_ins AFTER INSERT ON shows BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_shows_upd AFTER UPDATE OF title, native_title, guild_id ON shows BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = NEW.id AND kb_norm(name) <> '';
    -- Episode labels carry the show's title.
    DELETE FROM search_entries WHERE kind = 'episode' AND show_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'episode' AND show_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_shows_del AFTER DELETE ON shows BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = OLD.id;
    DELETE FROM search_entries WHERE show_id = OLD.id;
END;

CREATE TRIGGER search_people_ins AFTER INSERT ON people BEGIN
    DELETE FROM search_entries WHERE kind = 'person' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'person' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_people_upd AFTER UPDATE OF name, native_name, guild_id ON people BEGIN
    DELETE FROM search_entries WHERE kind = 'person' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'person' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_people_del AFTER DELETE ON people BEGIN
    DELETE FROM search_entries WHERE kind = 'person' AND entity_id = OLD.id;
END;

CREATE TRIGGER search_characters_ins AFTER INSERT ON characters BEGIN
    DELETE FROM search_entries WHERE kind = 'character' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'character' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_characters_upd AFTER UPDATE OF name, show_id ON characters BEGIN
    DELETE FROM search_entries WHERE kind = 'character' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'character' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_characters_del AFTER DELETE ON characters BEGIN
    DELETE FROM search_entries WHERE kind = 'character' AND entity_id = OLD.id;
END;

CREATE TRIGGER search_episodes_ins AFTER INSERT ON episodes BEGIN
    DELETE FROM search_entries WHERE kind = 'episode' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'episode' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_episodes_upd AFTER UPDATE OF title, number, show_id ON episodes BEGIN
    DELETE FROM search_entries WHERE kind = 'episode' AND entity_id = NEW.id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'episode' AND entity_id = NEW.id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_episodes_del AFTER DELETE ON episodes BEGIN
    DELETE FROM search_entries WHERE kind = 'episode' AND entity_id = OLD.id;
END;

CREATE TRIGGER search_titles_ins AFTER INSERT ON show_titles BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = NEW.show_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = NEW.show_id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_titles_upd AFTER UPDATE ON show_titles BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = OLD.show_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = OLD.show_id AND kb_norm(name) <> '';
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = NEW.show_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = NEW.show_id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_titles_del AFTER DELETE ON show_titles BEGIN
    DELETE FROM search_entries WHERE kind = 'show' AND entity_id = OLD.show_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = 'show' AND entity_id = OLD.show_id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_aliases_ins AFTER INSERT ON aliases BEGIN
    DELETE FROM search_entries WHERE kind = NEW.entity_kind AND entity_id = NEW.entity_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = NEW.entity_kind AND entity_id = NEW.entity_id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_aliases_upd AFTER UPDATE ON aliases BEGIN
    DELETE FROM search_entries WHERE kind = OLD.entity_kind AND entity_id = OLD.entity_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = OLD.entity_kind AND entity_id = OLD.entity_id AND kb_norm(name) <> '';
    DELETE FROM search_entries WHERE kind = NEW.entity_kind AND entity_id = NEW.entity_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = NEW.entity_kind AND entity_id = NEW.entity_id AND kb_norm(name) <> '';
END;

CREATE TRIGGER search_aliases_del AFTER DELETE ON aliases BEGIN
    DELETE FROM search_entries WHERE kind = OLD.entity_kind AND entity_id = OLD.entity_id;
    INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
        SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
        FROM search_spellings WHERE kind = OLD.entity_kind AND entity_id = OLD.entity_id AND kb_norm(name) <> '';
END;

-- Start from a complete index, whatever 0002 left behind.
DELETE FROM search_keys;
DELETE FROM search_fts;
DELETE FROM search_entries;
INSERT INTO search_entries (guild_id, kind, entity_id, show_id, name, label, preferred, norm)
    SELECT guild_id, kind, entity_id, show_id, name, label, preferred, kb_norm(name)
    FROM search_spellings WHERE kb_norm(name) <> '';
