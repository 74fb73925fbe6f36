-- The groups a person is reported to be a member of ("ZE:A's Park Hyung-sik"): a group
-- is not a work, so it is kept apart from known_for. Each row cites its sources through
-- fact_sources (entity_kind 'membership'), as known_for does.
CREATE TABLE memberships (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    group_name TEXT   NOT NULL,
    UNIQUE (person_id, group_name)
) STRICT;

CREATE TRIGGER memberships_drop_facts AFTER DELETE ON memberships BEGIN
    DELETE FROM fact_sources WHERE entity_kind = 'membership' AND entity_id = OLD.id;
END;

-- Catalogs seeded before this release hold ZE:A as one of Park Hyung-sik's works (the
-- bundled file said so): move it, with its sources, to where it belongs.
INSERT INTO memberships (person_id, group_name)
    SELECT k.person_id, k.work FROM known_for k JOIN people p ON p.id = k.person_id
    WHERE p.slug = 'park-hyung-sik' AND k.work = 'ZE:A';
INSERT INTO fact_sources (guild_id, entity_kind, entity_id, field, source_id)
    SELECT f.guild_id, 'membership', m.id, f.field, f.source_id
    FROM fact_sources f
    JOIN known_for k ON f.entity_kind = 'known_for' AND f.entity_id = k.id
    JOIN memberships m ON m.person_id = k.person_id AND m.group_name = k.work
    WHERE k.work = 'ZE:A';
DELETE FROM known_for WHERE work = 'ZE:A'
    AND person_id IN (SELECT id FROM people WHERE slug = 'park-hyung-sik');
