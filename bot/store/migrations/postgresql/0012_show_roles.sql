-- PostgreSQL twin of ../0012_show_roles.sql.
-- One follower role per show and guild: made by the bot (named after the show, not
-- mentionable by members) or picked by an admin with /config follow_role. Who follows
-- a show is the role's membership on Discord; nothing per member is stored here.
CREATE TABLE show_roles (
    guild_id   BIGINT NOT NULL,
    show_slug  TEXT    NOT NULL,
    role_id    BIGINT NOT NULL,
    picked_by  BIGINT,                          -- the admin who picked it; NULL: made by the bot
    PRIMARY KEY (guild_id, show_slug)
);
