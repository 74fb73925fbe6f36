-- PostgreSQL twin of ../0009_episode_ratings.sql.
-- Members' episode ratings: one per member per episode, changeable. Member data: shown
-- and deleted with the member's own data.
CREATE TABLE episode_ratings (
    guild_id   BIGINT NOT NULL,
    show_id    BIGINT NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    episode    BIGINT NOT NULL CHECK (episode >= 1),
    user_id    BIGINT NOT NULL,
    stars      BIGINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, show_id, episode, user_id)
);

-- A member's own ratings (privacy: show and forget).
CREATE INDEX episode_ratings_by_user ON episode_ratings(guild_id, user_id);
