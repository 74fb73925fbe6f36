-- PostgreSQL twin of ../0013_clock_and_departures.sql.
-- The sandbox's simulated "now", so `kdrama-bot sandbox --database PATH` resumes where it
-- stopped (its time only moves forward). One row; absent on a real bot's database.
CREATE TABLE sandbox_clock (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    now BIGINT NOT NULL             -- UTC epoch seconds
);

-- Servers the bot was removed from: their data is kept until left_at + the grace period
-- (settings' DEPARTED_GRACE_DAYS), then purged with its timers. A return deletes the row.
CREATE TABLE guild_departures (
    guild_id BIGINT PRIMARY KEY,
    left_at  BIGINT NOT NULL        -- UTC epoch seconds
);
