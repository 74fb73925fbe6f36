-- PostgreSQL twin of ../0011_discussion_polls.sql.
-- Whether each episode discussion carries a native poll ("How was episode 3?"): on
-- unless an admin turns it off with /config.
ALTER TABLE guild_settings ADD COLUMN discussion_polls BIGINT NOT NULL DEFAULT 1
    CHECK (discussion_polls IN (0, 1));
