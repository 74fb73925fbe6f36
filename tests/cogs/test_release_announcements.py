"""Every episode's release announced once, linked to its discussion, in virtual time."""

from __future__ import annotations

import re

import pytest

from bot.store.discussions import discussion_links
from bot.store.guilds import update_settings
from tests.cogs.discussion_harness import (
    RELEASES,
    SHOW,
    advance_to,
    kst_midnight,
    use_channel,
)

pytestmark = pytest.mark.usefixtures("forum_pins")


async def _setup(world, *, discussions: str | None = "forum", **settings):
    """Announcement and log channels, the notify role; a discussion channel if asked."""
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(
        bot.db, world.guild.id, announce_channel_id=world.announcements.id,
        log_channel_id=world.log.id, notify_role_id=world.notify_role.id, **settings,
    )  # fmt: skip
    if discussions:
        await use_channel(world, discussions)


async def _enable(world, **options):
    """A moderator previews the plan and confirms; the preview's text."""
    result = await world.moderator.slash(world.general, "announce plan", show=SHOW, **options)
    assert result.ephemeral
    preview = result.response.embeds[0].description
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await world.env.settle()
    return preview


def releases_posted(world) -> list:
    """The release announcements in #announcements, oldest first."""
    return [m for m in world.announcements.history() if m.author.bot and "📺" in m.content]


async def _step_to(world, instant: int) -> None:
    """Advance in day-sized steps (each settle stays short)."""
    while (left := instant - world.env.bot.clock.timestamp()) > 0:
        await advance_to(world, world.env.bot.clock.timestamp() + min(left, 86400))


async def test_four_weekly_episodes_are_each_announced_once_and_linked(world):
    await _setup(world, watchable_delay_seconds=1800)
    preview = await _enable(world)
    assert "**Episode releases**" in preview
    assert re.findall(r"\*\*Episode (\d)\*\* — <t:", preview) == ["1", "2", "3", "4"]
    for number, day in RELEASES.items():
        due = kst_midnight(day) + 1800
        await _step_to(world, due - 60)
        assert len(releases_posted(world)) == number - 1, f"episode {number} early"
        await advance_to(world, due + 5)
        assert len(releases_posted(world)) == number, f"episode {number} not announced"
    await _step_to(world, kst_midnight("2022-04-21"))
    posts = releases_posted(world)
    assert len(posts) == 4
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    for number, post in enumerate(posts, start=1):
        assert f"Episode {number} is out on Disney+" in post.content
        assert links[number] in post.content  # its own discussion …
        assert all(links[n] not in post.content for n in links if n != number)  # … only
        # A day-precision release: the post is the moment; no hour is claimed.
        assert "<t:" not in post.content
        assert post.content.startswith(world.notify_role.mention)
    sends = [
        r
        for r in world.env.http_requests
        if r.method == "POST" and r.path.endswith("/messages") and "is out" in str(r.json)
    ]
    assert len(sends) == 4
    assert all(r.json["enforce_nonce"] is True and r.json["nonce"] for r in sends)
    # Each carries its timer's stable nonce, not one discord.py made up for the send.
    sent = await world.env.bot.scheduler.list(guild_id=world.guild.id, statuses=["sent"])
    assert {r.json["nonce"] for r in sends} <= {timer.nonce for timer in sent}
    for send in sends:
        assert [int(r) for r in send.json["allowed_mentions"]["roles"]] == [world.notify_role.id]
        assert send.json["allowed_mentions"]["parse"] == []


async def test_a_discussion_opened_later_is_linked_into_the_sent_announcement(world):
    await _setup(world, discussions=None)
    await _enable(world)
    await _step_to(world, kst_midnight(RELEASES[1]) + 5)
    (post,) = releases_posted(world)
    assert "discuss" not in post.content.lower()
    # The discussion channel is set only now; a moderator opens episode 1 by hand.
    await use_channel(world, "forum")
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert result.ephemeral
    await world.env.settle()
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    (post,) = releases_posted(world)
    assert links[1] in post.content


async def test_a_moved_release_is_re_planned(world):
    await _setup(world)
    await _enable(world)
    result = await world.admin.slash(
        world.general, "admin episode edit", number=2, field="release", value="2022-04-02",
        source="nme",
    )  # fmt: skip
    assert result.ephemeral
    await world.env.settle()
    await _step_to(world, kst_midnight("2022-04-01") + 5)
    assert [p.content.count("Episode 2") for p in releases_posted(world)] == [0]
    await _step_to(world, kst_midnight("2022-04-02") + 5)
    posts = releases_posted(world)
    assert len(posts) == 2
    assert "Episode 2 is out" in posts[1].content
    timer = await world.env.bot.scheduler.get(guild_id=world.guild.id, key=f"release:{SHOW}:2")
    assert timer.status == "sent"
    assert timer.due == kst_midnight("2022-04-02")


@pytest.mark.parametrize("combine", [False, True])
async def test_a_double_drop_is_one_announcement_or_one_each(world, combine):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await bot.db.execute(
        "UPDATE episodes SET release_at = ? WHERE number = 4", (kst_midnight(RELEASES[3]),)
    )
    await _setup(world, combine_double_drops=combine)
    await _enable(world)
    await _step_to(world, kst_midnight(RELEASES[3]) + 5)
    posts = [p.content for p in releases_posted(world)][2:]
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    if combine:
        (post,) = posts
        assert "Episodes 3 & 4 are out on Disney+" in post
        assert post.count(links[3]) == 1  # one combined thread, linked once
    else:
        assert len(posts) == 2
        assert "Episode 3 is out" in posts[0]
        assert links[3] in posts[0]
        assert "Episode 4 is out" in posts[1]
        assert links[4] in posts[1]
    # Changing the setting afterwards never announces either episode again.
    await update_settings(bot.db, world.guild.id, combine_double_drops=not combine)
    bot.dispatch("guild_settings_changed", world.guild.id)
    await _step_to(world, kst_midnight(RELEASES[4]) + 5)
    assert len(releases_posted(world)) == 2 + len(posts)


async def test_a_moderator_can_leave_release_announcements_off(world):
    await _setup(world)
    preview = await _enable(world, episodes=False)
    assert "Off: episode releases will not be announced." in preview
    await _step_to(world, kst_midnight(RELEASES[2]) + 5)
    assert releases_posted(world) == []
    pending = await world.env.bot.scheduler.list(
        guild_id=world.guild.id, kinds=["announce.release"], statuses=["pending"]
    )
    assert pending == []
