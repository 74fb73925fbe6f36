"""Which shard a guild lives on, and the ``--shard-ids`` syntax (``0,1``, ``0-3``, ``0-1,5``).

Discord routes a guild's events to shard ``(guild_id >> 22) % shard_count``; every process
that splits one bot must agree on it, so it lives here once.
"""

from __future__ import annotations

# Discord closes a session with 4011 ("sharding required") past this many guilds.
MAX_GUILDS_PER_SHARD = 2500
# Discord's identify window: max_concurrency shards may IDENTIFY per window.
IDENTIFY_WINDOW_SECONDS = 5.0
# What the bot waits per window: a little more than 5 s, as the previous IDENTIFY left
# some milliseconds after its turn began; exactly 5 s apart, Discord saw 4.99 s.
IDENTIFY_PACE_SECONDS = IDENTIFY_WINDOW_SECONDS + 0.25
# How long one process keeps a bucket from the others: the turn starts when the lock is
# taken, but a process busy with its other shards' GUILD_CREATEs may send its IDENTIFY
# half a second later (bench_shards, 20 shards over two processes: 4.78 s apart).
IDENTIFY_TURN_SECONDS = IDENTIFY_WINDOW_SECONDS + 1.0


class ShardSpecError(ValueError):
    """A ``--shard-ids``/``--shard-count`` value that cannot be used; the message says why."""


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends ``guild_id``'s events to."""
    return (guild_id >> 22) % max(shard_count, 1)


def identify_key(shard_id: int, max_concurrency: int) -> int:
    """The rate-limit bucket a shard identifies in (Discord's ``shard_id % max_concurrency``)."""
    return shard_id % max(max_concurrency, 1)


def parse_shard_ids(text: str, shard_count: int) -> tuple[int, ...]:
    """``"0,1"``, ``"0-3"`` or ``"0-1,5"`` as sorted unique shard ids below ``shard_count``."""
    if shard_count < 1:
        raise ShardSpecError(f"--shard-count must be at least 1, got {shard_count}")
    found: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise ShardSpecError(f"--shard-ids has an empty entry: {text!r}")
        low, dash, high = part.partition("-")
        try:
            first = int(low)
            last = int(high) if dash else first
        except ValueError:
            raise ShardSpecError(
                f"--shard-ids takes numbers and ranges like 0,1 or 0-3, got {part!r}"
            ) from None
        if first < 0 or last < first:
            raise ShardSpecError(f"--shard-ids range {part!r} must go up from 0")
        if last >= shard_count:
            raise ShardSpecError(
                f"--shard-ids {part!r} is outside 0-{shard_count - 1} (--shard-count {shard_count})"
            )
        found.update(range(first, last + 1))
    return tuple(sorted(found))
