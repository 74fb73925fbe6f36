-- PostgreSQL twin of ../0006_search_incremental.sql: the name index follows every catalog
-- write in the same transaction. SQLite's triggers call the Python normalizer
-- (kb_norm); PostgreSQL's cannot, so they queue the entity in search_pending and the
-- store re-derives its spellings in Python just before COMMIT (bot/store/_pg.py
-- refresh_search). Substring search: pg_trgm GIN indexes over norm and loose.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

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
CREATE INDEX search_entries_norm_trgm ON search_entries USING gin (norm gin_trgm_ops);
CREATE INDEX search_entries_loose_trgm ON search_entries USING gin (loose gin_trgm_ops);

-- Entities whose spellings changed in the open transaction.
CREATE TABLE search_pending (
    kind      TEXT   NOT NULL,
    entity_id BIGINT NOT NULL
);

CREATE FUNCTION kb_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'shows' THEN
        IF TG_OP <> 'INSERT' THEN
            INSERT INTO search_pending VALUES ('show', OLD.id);
            INSERT INTO search_pending SELECT kind, entity_id FROM search_entries WHERE show_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO search_pending VALUES ('show', NEW.id);
            INSERT INTO search_pending SELECT 'episode', id FROM episodes WHERE show_id = NEW.id;
        END IF;
    ELSIF TG_TABLE_NAME = 'people' THEN
        INSERT INTO search_pending VALUES ('person', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'characters' THEN
        INSERT INTO search_pending VALUES ('character', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'episodes' THEN
        INSERT INTO search_pending VALUES ('episode', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    ELSIF TG_TABLE_NAME = 'show_titles' THEN
        IF TG_OP <> 'INSERT' THEN INSERT INTO search_pending VALUES ('show', OLD.show_id); END IF;
        IF TG_OP <> 'DELETE' THEN INSERT INTO search_pending VALUES ('show', NEW.show_id); END IF;
    ELSIF TG_TABLE_NAME = 'aliases' THEN
        IF TG_OP <> 'INSERT' THEN INSERT INTO search_pending VALUES (OLD.entity_kind, OLD.entity_id); END IF;
        IF TG_OP <> 'DELETE' THEN INSERT INTO search_pending VALUES (NEW.entity_kind, NEW.entity_id); END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_shows AFTER INSERT OR DELETE OR UPDATE OF title, native_title, guild_id
    ON shows FOR EACH ROW EXECUTE FUNCTION kb_search_touch();
CREATE TRIGGER search_people AFTER INSERT OR DELETE OR UPDATE OF name, native_name, guild_id
    ON people FOR EACH ROW EXECUTE FUNCTION kb_search_touch();
CREATE TRIGGER search_characters AFTER INSERT OR DELETE OR UPDATE OF name, show_id
    ON characters FOR EACH ROW EXECUTE FUNCTION kb_search_touch();
CREATE TRIGGER search_episodes AFTER INSERT OR DELETE OR UPDATE OF title, number, show_id
    ON episodes FOR EACH ROW EXECUTE FUNCTION kb_search_touch();
CREATE TRIGGER search_titles AFTER INSERT OR DELETE OR UPDATE
    ON show_titles FOR EACH ROW EXECUTE FUNCTION kb_search_touch();
CREATE TRIGGER search_aliases AFTER INSERT OR DELETE OR UPDATE
    ON aliases FOR EACH ROW EXECUTE FUNCTION kb_search_touch();

-- Start from a complete index: queue everything (the store drains it in this transaction).
INSERT INTO search_pending SELECT DISTINCT kind, entity_id FROM search_spellings;
