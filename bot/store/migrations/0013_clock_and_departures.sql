-- The sandbox's simulated "now", so `kdrama-bot sandbox --database PATH` resumes where it
-- stopped (its time only moves forward). One row; absent on a real bot's database.
CREATE TABLE sandbox_clock (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    now INTEGER NOT NULL            -- UTC epoch seconds
) STRICT;

-- Servers the bot was removed from: their data is kept until left_at + the grace period
-- (settings' DEPARTED_GRACE_DAYS), then purged with its timers. A return deletes the row.
CREATE TABLE guild_departures (
    guild_id INTEGER PRIMARY KEY,
    left_at  INTEGER NOT NULL       -- UTC epoch seconds
) STRICT;
