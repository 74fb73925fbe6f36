"""Shard ids on the command line and Discord's guild-to-shard rule."""

from __future__ import annotations

import pytest

from bot.domain.shards import ShardSpecError, identify_key, parse_shard_ids, shard_of


def test_shard_ids_take_lists_and_ranges() -> None:
    assert parse_shard_ids("0,1", 4) == (0, 1)
    assert parse_shard_ids("0-3", 4) == (0, 1, 2, 3)
    assert parse_shard_ids("3, 0-1, 1", 8) == (0, 1, 3)


@pytest.mark.parametrize(
    ("text", "count", "says"),
    [
        ("4", 4, "outside 0-3"),
        ("0-9", 4, "outside 0-3"),
        ("2-1", 4, "must go up"),
        ("a", 4, "numbers and ranges"),
        ("0,,1", 4, "empty entry"),
        ("0", 0, "at least 1"),
    ],
)
def test_bad_shard_ids_say_what_is_wrong(text: str, count: int, says: str) -> None:
    with pytest.raises(ShardSpecError, match=says):
        parse_shard_ids(text, count)


def test_a_guild_lives_on_the_shard_its_id_timestamp_names() -> None:
    # Discord's documented example: (guild_id >> 22) % num_shards.
    guild_id = (1234 << 22) | 99
    assert shard_of(guild_id, 4) == 1234 % 4
    assert shard_of(guild_id, 1) == 0


def test_identify_buckets_follow_max_concurrency() -> None:
    assert [identify_key(s, 16) for s in (0, 15, 16, 17)] == [0, 15, 0, 1]
    assert {identify_key(s, 1) for s in range(5)} == {0}
