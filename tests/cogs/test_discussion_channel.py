"""What the bot needs in a discussion channel, as an admin choosing one is told.

A text channel's discussions are threads from a starter message the bot pins in the
index; a forum's are posts (the index post pinned with Manage Threads), wearing tags the
bot creates when the forum lacks them. Each permission is taken away on its own, and the
admin's /config set must name exactly that one, or accept the channel when that kind of
channel does not need it.
"""

from __future__ import annotations

import discord
import pytest

from bot.services.discussions import archive_duration

NEEDED_EVERYWHERE = {
    "read_message_history": "Read Message History",
    "send_messages_in_threads": "Send Messages In Threads",
    "manage_threads": "Manage Threads",
    "send_messages": "Send Messages",
}
TAGS = ["Episode 1", "Episode 2", "Episode 3", "Episode 4", "Finale"]


def refusal(channel, names: str) -> str:
    return f"I can't work in {channel.mention}: I am missing {names} there. Nothing was saved."


async def choose(world, channel) -> str:
    result = await world.admin.slash(world.general, "config set", discussion_channel=channel)
    assert result.ephemeral
    return result.response.content


async def test_a_text_channel_needs_thread_permissions_and_a_pin(world):
    me = world.env.bot.user
    needed = {**NEEDED_EVERYWHERE, "create_public_threads": "Create Public Threads"}
    for flag, shown in needed.items():
        overwrite = discord.PermissionOverwrite(**{flag: False})
        channel = world.guild.create_text_channel(flag, overwrites={me: overwrite})
        assert await choose(world, channel) == refusal(channel, shown), flag
    # Pinning takes Pin Messages, or Manage Messages from before Discord split it out.
    unpinned = discord.PermissionOverwrite(pin_messages=False, manage_messages=False)
    channel = world.guild.create_text_channel("unpinned", overwrites={me: unpinned})
    assert await choose(world, channel) == refusal(channel, "Pin Messages")
    hidden = world.guild.create_text_channel(
        "hidden", overwrites={me: discord.PermissionOverwrite(view_channel=False)}
    )
    assert await choose(world, hidden) == refusal(
        hidden,
        "View Channel, Read Message History, Send Messages In Threads, Manage Threads, "
        "Send Messages, Create Public Threads, Pin Messages",
    )


async def test_a_forum_with_its_tags_needs_neither_manage_channels_nor_a_pin(world):
    forum = world.env.bot.get_channel(world.discussion.id)
    await forum.edit(available_tags=[discord.ForumTag(name=name) for name in TAGS])
    await world.env.settle()

    async def without(**denied: bool) -> str:
        await forum.set_permissions(forum.guild.me, overwrite=discord.PermissionOverwrite(**denied))
        await world.env.settle()
        return await choose(world, world.discussion)

    for flag, shown in NEEDED_EVERYWHERE.items():
        assert await without(**{flag: False}) == refusal(world.discussion, shown), flag
    # A post is not a thread from a message, its index is pinned with Manage Threads,
    # and the tags are there already.
    saved = await without(
        create_public_threads=False, pin_messages=False, manage_messages=False,
        manage_channels=False,
    )  # fmt: skip
    assert saved.startswith("Saved"), saved


async def test_a_moderator_opening_by_hand_is_told_every_permission_missing(world):
    from tests.cogs.discussion_harness import SHOW, discussion_threads, use_channel

    channel = await use_channel(world, "text")
    talk = world.env.bot.get_channel(channel.id)
    await talk.set_permissions(
        talk.guild.me, overwrite=discord.PermissionOverwrite(view_channel=False)
    )
    await world.env.settle()
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    said = result.followups[0] if result.followups else result.response
    assert said.ephemeral
    assert said.content == (
        "I am missing View Channel, Read Message History, Send Messages In Threads, "
        f"Manage Threads, Send Messages, Create Public Threads, Pin Messages in {channel.mention}."
    )
    assert discussion_threads(channel) == []


@pytest.mark.parametrize(
    ("minutes", "allowed"),
    [(60, 60), (1, 60), (750, 60), (751, 1440), (2000, 1440), (3000, 4320), (10080, 10080),
     (99999, 10080)],
)  # fmt: skip
def test_a_stored_idle_time_becomes_the_closest_duration_discord_allows(minutes, allowed):
    # Discord refuses any auto-archive duration but 1 hour, 1 day, 3 days and a week; a
    # tie (750 is 690 from both 60 and 1440) goes to the shorter.
    assert archive_duration(minutes) == allowed


async def forum_with_tags(world, names: list[str]):
    """The world's forum as the discussion channel, already wearing these tags."""
    from tests.cogs.discussion_harness import use_channel

    forum = world.env.bot.get_channel(world.discussion.id)
    await forum.edit(available_tags=[discord.ForumTag(name=name) for name in names])
    await world.env.settle()
    await use_channel(world, "forum")
    return forum


def tag_edits(world) -> list:
    return [
        r
        for r in world.env.http_requests
        if r.method == "PATCH"
        and r.path == f"/channels/{world.discussion.id}"
        and "available_tags" in (r.json or {})
    ]


@pytest.mark.usefixtures("forum_pins")
async def test_a_forum_near_discords_20_tags_gets_what_still_fits(world):
    from tests.cogs.discussion_harness import SHOW, discussion_threads

    # 19 tags of the server's own: room for Episode 4, not for Finale too.
    forum = await forum_with_tags(world, [f"Topic {n}" for n in range(19)])
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=4)
    (post,) = discussion_threads(world.discussion)
    tags = {tag.id: tag.name for tag in world.env.bot.get_channel(forum.id).available_tags}
    assert len(tags) == 20
    assert [tags[t.id] for t in world.env.bot.get_channel(post.id).applied_tags] == ["Episode 4"]
    # Full now: the next opening edits no tags at all, and opens untagged.
    before = len(tag_edits(world))
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=3)
    assert len(tag_edits(world)) == before
    assert len(discussion_threads(world.discussion)) == 2


@pytest.mark.usefixtures("forum_pins")
async def test_a_forum_with_its_tags_is_not_edited_and_needs_no_manage_channels(world):
    from tests.cogs.discussion_harness import SHOW, discussion_threads

    forum = await forum_with_tags(world, TAGS)
    await forum.set_permissions(
        forum.guild.me, overwrite=discord.PermissionOverwrite(manage_channels=False)
    )
    await world.env.settle()
    before = len(tag_edits(world))  # the server's own edit, above
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=4)
    (post,) = discussion_threads(world.discussion)
    tags = {tag.id: tag.name for tag in forum.available_tags}
    worn = sorted(tags[t.id] for t in world.env.bot.get_channel(post.id).applied_tags)
    assert worn == ["Episode 4", "Finale"]
    # An episode before the last wears its own tag only: no Finale.
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=2)
    (second,) = [p for p in discussion_threads(world.discussion) if p.id != post.id]
    assert [tags[t.id] for t in world.env.bot.get_channel(second.id).applied_tags] == ["Episode 2"]
    assert len(tag_edits(world)) == before


@pytest.mark.usefixtures("forum_pins")
async def test_a_whole_season_dropped_at_once_wears_discords_five_tags_at_most(world):
    from tests.cogs.discussion_harness import SHOW, discussion_threads, kst_midnight, use_channel

    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    for number in (5, 6):
        await world.admin.slash(
            world.general, "admin episode add", number=number, release="2022-03-23", source="nme"
        )
    await bot.db.execute("UPDATE episodes SET release_at = ?", (kst_midnight("2022-03-23"),))
    await use_channel(world, "forum", combine_double_drops=True)
    await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    (post,) = discussion_threads(world.discussion)
    assert post.name == "[Spoilers] Soundtrack #1 — Episodes 1–6 discussion — Finale"
    tags = {tag.id: tag.name for tag in bot.get_channel(world.discussion.id).available_tags}
    worn = [tags[t.id] for t in bot.get_channel(post.id).applied_tags]
    assert worn == ["Episode 1", "Episode 2", "Episode 3", "Episode 4", "Episode 5"]


async def test_a_forum_without_its_tags_needs_manage_channels_to_open(world):
    # The bot makes a forum's missing episode tags itself, which takes Manage Channels:
    # without it, the moderator is told so before anything is made.
    from tests.cogs.discussion_harness import SHOW, discussion_threads, use_channel

    channel = await use_channel(world, "forum")
    forum = world.env.bot.get_channel(channel.id)
    await forum.set_permissions(
        forum.guild.me, overwrite=discord.PermissionOverwrite(manage_channels=False)
    )
    await world.env.settle()
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    said = result.followups[0] if result.followups else result.response
    assert said.content == f"I am missing Manage Channels in {channel.mention}."
    assert discussion_threads(channel) == []


@pytest.mark.usefixtures("forum_pins")
async def test_a_korean_forum_with_its_korean_tags_needs_no_manage_channels(world):
    # The tags looked for are the server's language's: a Korean forum wearing "1회"
    # has what episode 1 needs.
    from tests.cogs.discussion_harness import SHOW

    await world.env.bot.get_guild(world.guild.id).edit(preferred_locale=discord.Locale.korean)
    forum = await forum_with_tags(world, ["1회", "최종회"])
    await forum.set_permissions(
        forum.guild.me, overwrite=discord.PermissionOverwrite(manage_channels=False)
    )
    await world.env.settle()
    before = len(tag_edits(world))  # the server's own edit, above
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    said = result.followups[0] if result.followups else result.response
    assert said.content.startswith("Opened Soundtrack #1, episode 1: "), said.content
    (post,) = [t for t in world.discussion.threads if t.name.startswith("[스포일러]")]
    names = {tag.id: tag.name for tag in forum.available_tags}
    assert [names[t.id] for t in world.env.bot.get_channel(post.id).applied_tags] == ["1회"]
    assert len(tag_edits(world)) == before
