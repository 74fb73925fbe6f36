-- Members' episode ratings: one per member per episode, changeable. Member data: shown
-- and deleted with the member's own data.
CREATE TABLE episode_ratings (
    guild_id   INTEGER NOT NULL,
    show_id    INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
    episode    INTEGER NOT NULL CHECK (episode >= 1),
    user_id    INTEGER NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, show_id, episode, user_id)
) STRICT;

-- A member's own ratings (privacy: show and forget).
CREATE INDEX episode_ratings_by_user ON episode_ratings(guild_id, user_id);
