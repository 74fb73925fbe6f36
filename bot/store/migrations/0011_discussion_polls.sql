-- Whether each episode discussion carries a native poll ("How was episode 3?"): on
-- unless an admin turns it off with /config.
ALTER TABLE guild_settings ADD COLUMN discussion_polls INTEGER NOT NULL DEFAULT 1
    CHECK (discussion_polls IN (0, 1));
