"""/config: admins change settings; channels are checked for the bot's own permissions."""

from __future__ import annotations

import discord

from bot.domain.timeexpr import TimeExprError
from bot.store.guilds import get_settings
from bot.ui.errors import NotAdmin, UserFacingError
from tests.support.discord import answered_refusals, open_to_everyone


def refusals(world) -> list[type]:
    """Acknowledge the errors the bot answered as clean refusals; fail on any bug."""
    return [type(e) for e in answered_refusals(world.env)]


async def test_admin_sets_channels_roles_zone_and_knobs(world):
    result = await world.admin.slash(
        world.general, "config set", announce_channel=world.announcements,
        discussion_channel=world.discussion, log_channel=world.log,
        moderator_role=world.moderator_role, timezone="America/New_York",
        catchup_minutes=30, watchable_delay_minutes=15, combine_double_drops=True,
        archive_minutes=1440,
    )  # fmt: skip
    assert result.ephemeral
    assert "Saved" in result.response.content
    s = await get_settings(world.env.bot.db, world.guild.id)
    assert (s.announce_channel_id, s.discussion_channel_id, s.log_channel_id) == (
        world.announcements.id, world.discussion.id, world.log.id,
    )  # fmt: skip
    assert s.moderator_role_id == world.moderator_role.id
    assert (s.timezone, s.catchup_seconds, s.watchable_delay_seconds) == (
        "America/New_York",
        1800,
        900,
    )
    assert (s.combine_double_drops, s.archive_minutes) == (True, 1440)
    view = await world.admin.slash(world.general, "config view")
    fields = {f.name: f.value for f in view.response.embeds[0].fields}
    assert fields["announce_channel"] == f"<#{world.announcements.id}>"
    assert fields["timezone"] == "America/New_York"


async def test_channel_where_the_bot_lacks_permissions_is_refused_naming_them(world):
    bot_user = world.env.bot.user
    locked = world.guild.create_text_channel(
        "locked",
        overwrites={bot_user: discord.PermissionOverwrite(send_messages=False, embed_links=False)},
    )
    result = await world.admin.slash(world.general, "config set", announce_channel=locked)
    assert "Send Messages, Embed Links" in result.response.content
    assert "Nothing was saved" in result.response.content
    s = await get_settings(world.env.bot.db, world.guild.id)
    assert s.announce_channel_id is None
    assert refusals(world) == [UserFacingError]


async def test_text_discussion_channel_needs_thread_permissions(world):
    bot_user = world.env.bot.user
    no_threads = world.guild.create_text_channel(
        "talk",
        overwrites={
            bot_user: discord.PermissionOverwrite(create_public_threads=False, manage_threads=False)
        },
    )
    result = await world.admin.slash(world.general, "config set", discussion_channel=no_threads)
    content = result.response.content
    assert "Create Public Threads" in content
    assert "Manage Threads" in content
    assert "Nothing was saved" in content
    assert refusals(world) == [UserFacingError]


async def test_discussion_channel_is_accepted_where_discussions_can_pin_without_pin_messages(
    world,
):
    # Bots invited before Discord split out Pin Messages lack it; the discussions service
    # pins a forum post with Manage Threads and a text message with Manage Messages.
    bot_user = world.env.bot.user
    no_pin = discord.PermissionOverwrite(pin_messages=False, manage_messages=False)
    forum = world.env.bot.get_channel(world.discussion.id)
    await forum.set_permissions(forum.guild.me, overwrite=no_pin)
    await world.env.settle()
    result = await world.admin.slash(
        world.general, "config set", discussion_channel=world.discussion
    )
    assert "Saved" in result.response.content
    legacy = discord.PermissionOverwrite(pin_messages=False, manage_messages=True)
    text = world.guild.create_text_channel("talk", overwrites={bot_user: legacy})
    result = await world.admin.slash(world.general, "config set", discussion_channel=text)
    assert "Saved" in result.response.content
    assert (await get_settings(world.env.bot.db, world.guild.id)).discussion_channel_id == text.id
    bare = world.guild.create_text_channel("bare", overwrites={bot_user: no_pin})
    result = await world.admin.slash(world.general, "config set", discussion_channel=bare)
    assert "Pin Messages" in result.response.content
    assert refusals(world) == [UserFacingError]


async def test_unknown_timezone_is_refused_and_autocomplete_offers_real_ones(world):
    result = await world.admin.slash(world.general, "config set", timezone="Mars/Olympus")
    # The one zone message, as /announce and /admin say it (KST and +09:00 are zones too).
    assert result.response.content.startswith("Unknown time zone “Mars/Olympus”: use KST, JST")
    assert (await get_settings(world.env.bot.db, world.guild.id)).timezone == "Asia/Seoul"
    choices = await world.admin.autocomplete(world.general, "config set", "timezone", "seoul")
    assert [c["value"] for c in choices] == ["Asia/Seoul"]
    assert refusals(world) == [TimeExprError]


async def test_default_show_must_exist_and_autocompletes(world):
    choices = await world.admin.autocomplete(world.general, "config set", "default_show", "sound")
    assert [c["value"] for c in choices] == ["soundtrack-1"]
    result = await world.admin.slash(world.general, "config set", default_show="nope")
    assert "couldn't find a show called “nope”" in result.response.content
    assert refusals(world) == [UserFacingError]


async def test_member_cannot_change_settings(world):
    await open_to_everyone(world, "config")
    result = await world.member.slash(world.general, "config set", timezone="UTC")
    assert result.ephemeral
    assert "Only admins" in result.response.content
    assert (await get_settings(world.env.bot.db, world.guild.id)).timezone == "Asia/Seoul"
    assert refusals(world) == [NotAdmin]


async def test_admin_clears_one_setting_and_a_member_cannot(world):
    await world.admin.slash(
        world.general, "config set", log_channel=world.log, moderator_role=world.moderator_role
    )
    await open_to_everyone(world, "config")
    refused = await world.member.slash(world.general, "config clear", setting="log_channel")
    assert refused.ephemeral
    assert "Only admins" in refused.response.content
    assert (await get_settings(world.env.bot.db, world.guild.id)).log_channel_id == world.log.id

    result = await world.admin.slash(world.general, "config clear", setting="log_channel")
    assert result.ephemeral
    assert result.response.content == "Unset: log_channel."
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert fields["log_channel"] == "not set"
    s = await get_settings(world.env.bot.db, world.guild.id)
    assert (s.log_channel_id, s.moderator_role_id) == (None, world.moderator_role.id)
    assert refusals(world) == [NotAdmin]


async def test_a_forum_without_its_tags_needs_manage_channels_to_create_them(world):
    forum = world.env.bot.get_channel(world.discussion.id)
    assert not forum.available_tags
    no_edit = discord.PermissionOverwrite(manage_channels=False)
    await forum.set_permissions(forum.guild.me, overwrite=no_edit)
    await world.env.settle()
    result = await world.admin.slash(
        world.general, "config set", discussion_channel=world.discussion
    )
    assert result.ephemeral
    assert "Manage Channels" in result.response.content
    assert (await get_settings(world.env.bot.db, world.guild.id)).discussion_channel_id is None
    assert refusals(world) == [UserFacingError]
