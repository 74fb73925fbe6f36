"""/rate: one rating per member per episode, only once it is out; averages from three."""

from __future__ import annotations

import pytest

from bot.store.discussions import discussion_links
from tests.cogs.discussion_harness import (
    RELEASES,
    SHOW,
    advance_to,
    kst_midnight,
    use_channel,
)
from tests.support.discord import user_errors

pytestmark = pytest.mark.usefixtures("forum_pins")


async def stored(world) -> list[tuple[int, int, int]]:
    """Every rating in the store: (episode, user, stars)."""
    rows = await world.env.bot.db.fetchall(
        "SELECT episode, user_id, stars FROM episode_ratings ORDER BY episode, user_id"
    )
    return [tuple(r) for r in rows]


async def rate(actor, world, episode: int, stars: int) -> str:
    result = await actor.slash(world.general, "rate", show=SHOW, episode=episode, stars=stars)
    assert result.ephemeral
    return result.response.content


async def test_an_episode_cannot_be_rated_before_its_release(world):
    text = await rate(world.member, world, 1, 4)
    assert "not out yet" in text
    assert "March 23, 2022" in text
    assert user_errors(world.env) == ["members.rate.not_released"]
    assert await stored(world) == []


async def test_a_rating_is_kept_once_and_can_be_changed_after_release(world):
    await advance_to(world, kst_midnight(RELEASES[1]) + 60)
    assert "Saved" in await rate(world.member, world, 1, 3)
    changed = await rate(world.member, world, 1, 5)
    assert "Changed" in changed
    assert "was 3" in changed
    assert await stored(world) == [(1, world.member.id, 5)]
    # Episode 2 is still a week away: refused, and episode 1's rating is untouched.
    assert "not out yet" in await rate(world.member, world, 2, 5)
    assert user_errors(world.env) == ["members.rate.not_released"]
    assert await stored(world) == [(1, world.member.id, 5)]


async def test_episodes_and_the_index_show_the_average_once_three_members_rated(world):
    channel = await use_channel(world, "forum")
    await advance_to(world, kst_midnight(RELEASES[1]) + 60)
    await rate(world.member, world, 1, 4)
    await rate(world.moderator, world, 1, 5)
    listing = await world.member.slash(world.general, "episodes")
    assert "★" not in repr(listing.response.embeds[0].to_dict())  # two ratings: not yet
    await rate(world.admin, world, 1, 2)
    await rate(world.admin, world, 1, 5)  # changed: 4 + 5 + 5 over 3 members
    await world.env.settle()
    listing = await world.member.slash(world.general, "episodes")
    field = listing.response.embeds[0].fields[0]
    assert field.name == "Episode 1"
    assert "Members' rating: ★ 4.7 (3)" in field.value
    assert "★" not in listing.response.embeds[0].fields[1].value
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    (index_post,) = [t for t in channel.threads if t.name.startswith("[Index]")]
    lines = index_post.history()[0].content.splitlines()
    assert lines[1] == f"Episode 1: {links[1]} · ★ 4.7 (3)"


async def test_a_show_without_that_episode_is_refused_in_korean_for_korean_clients(
    world, set_locale
):
    set_locale(world.member, "ko")
    await advance_to(world, kst_midnight(RELEASES[1]) + 60)
    text = await rate(world.member, world, 9, 4)
    assert "9화가 없습니다" in text
    assert user_errors(world.env) == ["members.rate.no_episode"]
    assert await stored(world) == []


async def test_a_member_forgetting_their_ratings_takes_them_out_of_the_index(world):
    channel = await use_channel(world, "forum")
    await advance_to(world, kst_midnight(RELEASES[1]) + 60)
    for actor, stars in ((world.member, 4), (world.moderator, 5), (world.admin, 3)):
        await rate(actor, world, 1, stars)
    await world.env.settle()
    (index_post,) = [t for t in channel.threads if t.name.startswith("[Index]")]
    assert index_post.history()[0].content.splitlines()[1].endswith("· ★ 4.0 (3)")
    preview = await world.member.slash(world.general, "privacy forget")
    await world.member.click(preview.response, custom_id="announce:confirm")
    await world.env.settle()
    assert "★" not in index_post.history()[0].content  # two ratings left: no average
    assert sorted(stars for _, _, stars in await stored(world)) == [3, 5]
