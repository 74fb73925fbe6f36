-- PostgreSQL twin of ../0008_release_announcements.sql.
-- Episode release announcements: whether a show's confirmed plan includes them, and
-- the message each episode's announcement went out as (so it can gain the link to the
-- episode's discussion when that opens after it).

-- 0: the plan announces the countdown only; 1: also every episode's release.
ALTER TABLE announce_plans ADD COLUMN releases BIGINT NOT NULL DEFAULT 0
    CHECK (releases IN (0, 1));

-- A combined double drop is one message shared by several episode rows.
CREATE TABLE release_announcements (
    guild_id   BIGINT NOT NULL,
    show_slug  TEXT    NOT NULL,
    episode    BIGINT NOT NULL CHECK (episode >= 1),
    channel_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    content    TEXT    NOT NULL,                 -- as sent, before any discussion link
    linked     BIGINT NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
    PRIMARY KEY (guild_id, show_slug, episode)
);
