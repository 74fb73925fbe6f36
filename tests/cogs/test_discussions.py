"""Episode discussions open themselves on release, exactly once, in a forum or text channel."""

from __future__ import annotations

import pytest

from bot.store.discussions import discussion_links, set_index
from bot.ui.errors import NotModerator, UserFacingError
from tests.cogs.discussion_harness import (
    IN_EACH_KIND,
    RELEASES,
    SHOW,
    advance_to,
    discussion_threads,
    kst_midnight,
    use_channel,
)
from tests.support.discord import answered_refusals

pytestmark = IN_EACH_KIND


def said(result) -> str:
    """What a deferred command finally told the user (its first follow-up)."""
    message = result.followups[0] if result.followups else result.response
    assert message.ephemeral
    return message.content


def starter(world, channel, thread):
    """The starter message of a discussion, wherever the channel kind keeps it."""
    if channel.id == world.discussion.id:
        return thread.history()[0]
    return next(m for m in channel.history() if m.id == thread.id)


async def test_episodes_open_on_their_weekly_release_days(world, kind):
    channel = await use_channel(world, kind, watchable_delay_seconds=1800)
    for number, day in RELEASES.items():
        opens = kst_midnight(day) + 1800
        await advance_to(world, opens - 60)
        assert len(discussion_threads(channel)) == number - 1, f"episode {number} opened early"
        await advance_to(world, opens + 5)
        threads = discussion_threads(channel)
        assert len(threads) == number
        name = f"[Spoilers] Soundtrack #1 — Episode {number} discussion"
        assert threads[-1].name == name + (" — Finale" if number == 4 else "")
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    assert sorted(links) == [1, 2, 3, 4]
    assert links[4].endswith(f"/{world.guild.id}/{threads[-1].id}")
    text = starter(world, channel, threads[2]).content
    assert "Episode 3" in text
    assert "2022-04-06 (Asia/Seoul)" in text
    assert "Spoilers for this episode are welcome" in text
    assert links[1] in text
    assert links[2] in text
    if kind == "forum":
        forum = world.env.bot.get_channel(channel.id)
        names = {tag.id: tag.name for tag in forum.available_tags}
        finale = world.env.bot.get_channel(threads[-1].id)
        assert sorted(names[t.id] for t in finale.applied_tags) == ["Episode 4", "Finale"]


async def test_the_pinned_index_lists_every_episode_and_follows_the_openings(
    world, kind, forum_pins
):
    channel = await use_channel(world, kind)
    await advance_to(world, kst_midnight(RELEASES[2]) + 5)
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    if kind == "forum":
        posts = [t for t in channel.threads if t.name.startswith("[Index]")]
        assert len(posts) == 1
        assert forum_pins[posts[0].id] is True
        index = posts[0].history()[0]
    else:
        (index,) = channel.pinned_messages()
    lines = index.content.splitlines()
    assert lines[1] == f"Episode 1: {links[1]}"
    assert lines[2] == f"Episode 2: {links[2]}"
    assert lines[3].startswith("Episode 3: opens <t:")
    assert lines[4].startswith("Episode 4 — Finale: opens <t:")
    # The store forgets where the index is (a crash right after posting it): the bot
    # finds its own index again rather than posting a second one.
    await set_index(world.env.bot.db, world.guild.id, SHOW, None)
    await advance_to(world, kst_midnight(RELEASES[3]) + 5)
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    if kind == "forum":
        assert len([t for t in channel.threads if t.name.startswith("[Index]")]) == 1
        index = posts[0].history()[0]
    else:
        (index,) = channel.pinned_messages()
    assert index.content.splitlines()[3] == f"Episode 3: {links[3]}"


@pytest.mark.parametrize("combine", [False, True])
async def test_a_double_drop_opens_one_thread_each_or_one_combined(world, kind, combine):
    bot = world.env.bot
    # Episode 4 released the same instant as episode 3 (a double drop).
    await bot.ensure_guild(world.guild.id)
    await bot.db.execute(
        "UPDATE episodes SET release_at = ? WHERE number = 4",
        (kst_midnight(RELEASES[3]),),
    )
    channel = await use_channel(world, kind, combine_double_drops=combine)
    await advance_to(world, kst_midnight(RELEASES[3]) + 5)
    names = [t.name for t in discussion_threads(channel)]
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    if combine:
        assert names[2:] == ["[Spoilers] Soundtrack #1 — Episodes 3–4 discussion — Finale"]
        assert links[3] == links[4]
    else:
        assert names[2:] == [
            "[Spoilers] Soundtrack #1 — Episode 3 discussion",
            "[Spoilers] Soundtrack #1 — Episode 4 discussion — Finale",
        ]
        assert links[3] != links[4]
    await advance_to(world, kst_midnight(RELEASES[4]) + 5)
    assert len(discussion_threads(channel)) == len(names)  # nothing opened twice


async def test_a_thread_created_before_a_crash_is_adopted_not_duplicated(world, kind):
    bot = world.env.bot
    channel = await use_channel(world, kind)
    name = "[Spoilers] Soundtrack #1 — Episode 1 discussion"
    # Discord created the thread, then the bot died before the store recorded it.
    discord_channel = bot.get_channel(channel.id)
    if kind == "forum":
        made = (await discord_channel.create_thread(name=name, content="starter")).thread
    else:
        made = await (await discord_channel.send("starter")).create_thread(name=name)
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    threads = discussion_threads(channel)
    assert [t.id for t in threads] == [made.id]
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    assert links[1].endswith(f"/{made.id}")


async def test_an_archived_thread_left_by_a_crash_is_adopted_and_reopened(world, kind):
    # Discord created the thread, the bot died before recording it, and the thread was
    # archived (by hand or by Discord's auto-archive) before the bot came back: it is
    # no longer among the guild's active threads, only in the channel's archived list.
    bot = world.env.bot
    channel = await use_channel(world, kind)
    name = "[Spoilers] Soundtrack #1 — Episode 1 discussion"
    discord_channel = bot.get_channel(channel.id)
    if kind == "forum":
        made = (await discord_channel.create_thread(name=name, content="starter")).thread
    else:
        made = await (await discord_channel.send("starter")).create_thread(name=name)
    await made.edit(archived=True)
    assert made.id not in [t.id for t in await discord_channel.guild.active_threads()]
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    threads = discussion_threads(channel)
    assert [t.id for t in threads] == [made.id]  # adopted, not a second thread
    assert bot.get_channel(made.id).archived is False  # and open for the discussion
    links = await discussion_links(bot.db, world.guild.id, SHOW)
    assert links[1].endswith(f"/{made.id}")


async def test_restart_keeps_the_plan_and_unarchives_what_closed_while_down(world, kind, make_bot):
    env = world.env
    channel = await use_channel(world, kind)
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    (first,) = discussion_threads(channel)
    # Archived while the bot is down, well inside its 7-day keep-open window.
    await env.bot.get_channel(first.id).edit(archived=True)
    await env.restart_bot(make_bot())
    await env.settle()
    assert env.bot.get_channel(first.id).archived is False
    await advance_to(world, kst_midnight(RELEASES[2]) + 5)
    assert len(discussion_threads(channel)) == 2


async def test_a_missing_permission_is_reported_before_the_release(world, kind):
    bot = world.env.bot
    channel = await use_channel(world, kind)  # everything fine: nothing told
    assert world.log.last_message is None
    discord_channel = bot.get_channel(channel.id)
    await discord_channel.set_permissions(discord_channel.guild.me, manage_threads=False)
    from bot.services.discussions import plan_discussions

    await plan_discussions(bot, world.guild.id, SHOW)
    await world.env.settle()
    warning = world.log.last_message.content
    assert "Manage Threads" in warning
    assert "episode 1" in warning
    await plan_discussions(bot, world.guild.id, SHOW)  # told once, not on every plan
    await world.env.settle()
    assert len(world.log.history()) == 1
    # At release it fails with the reason, moderators are told, nothing is created.
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    assert discussion_threads(channel) == []
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"discussion:{SHOW}:1")
    assert timer.status == "failed"
    assert timer.attempts == 1  # at once: a missing permission needs a human, not a retry
    assert "Manage Threads" in timer.last_error
    assert "/discussion open" in world.log.last_message.content
    # Fixed: a moderator opens it by hand, once.
    await discord_channel.set_permissions(discord_channel.guild.me, overwrite=None)
    await world.env.settle()
    result = await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert "Opened" in said(result)
    assert len(discussion_threads(channel)) == 1


async def test_moderators_open_close_and_reopen_by_hand(world, kind):
    channel = await use_channel(world, kind)
    mod = world.moderator
    opened = await mod.slash(world.general, "discussion open", show=SHOW, episode=2)
    assert opened.ephemeral
    assert "Opened Soundtrack #1, episode 2" in said(opened)
    again = await mod.slash(world.general, "discussion open", show=SHOW, episode=2)
    assert "already has its discussion" in said(again)
    (thread,) = discussion_threads(channel)
    link = await world.member.slash(world.general, "discussion link", show=SHOW, episode=2)
    assert str(thread.id) in link.response.content
    assert link.ephemeral
    closed = await mod.slash(world.general, "discussion close", show=SHOW, episode=2)
    assert "Closed and locked" in said(closed)
    live = world.env.bot.get_channel(thread.id) or await world.env.bot.fetch_channel(thread.id)
    assert live.archived
    assert live.locked
    assert "closed this discussion" in thread.history()[-1].content
    await mod.slash(world.general, "discussion reopen", show=SHOW, episode=2)
    live = await world.env.bot.fetch_channel(thread.id)
    assert not live.archived
    assert not live.locked
    # The release timer later finds it open: still one thread.
    await advance_to(world, kst_midnight(RELEASES[2]) + 5)
    assert len([t for t in discussion_threads(channel) if "Episode 2" in t.name]) == 1


async def test_a_member_is_refused_the_moderator_commands(world, kind):
    channel = await use_channel(world, kind)
    for sub in ("open", "close", "reopen"):
        result = await world.member.slash(world.general, f"discussion {sub}", show=SHOW, episode=1)
        assert result.ephemeral
        assert "Only moderators" in result.response.content
    assert discussion_threads(channel) == []
    # The refusals went through the one error path (SimCord records each one).
    assert {type(e) for e in answered_refusals(world.env)} == {NotModerator}


async def test_bad_input_gets_a_clear_message_and_creates_nothing(world, kind):
    channel = await use_channel(world, kind)
    mod = world.moderator
    result = await mod.slash(world.general, "discussion open", show=SHOW, episode=9)
    assert "has no episode 9" in said(result)
    result = await mod.slash(world.general, "discussion open", show="nope", episode=1)
    assert "couldn't find a show called “nope”" in said(result)
    from bot.store.guilds import update_settings

    await update_settings(world.env.bot.db, world.guild.id, discussion_channel_id=None)
    result = await mod.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert "No discussion channel is set" in said(result)
    assert discussion_threads(channel) == []
    assert all(isinstance(e.__cause__ or e, UserFacingError) for e in answered_refusals(world.env))


async def test_a_member_asking_early_learns_when_the_discussion_opens(world, kind):
    await use_channel(world, kind, watchable_delay_seconds=600)
    result = await world.member.slash(world.general, "discussion link", episode=1)
    opens = kst_midnight(RELEASES[1]) + 600
    assert result.ephemeral
    assert result.response.content == (
        f"Soundtrack #1, episode 1: the discussion opens <t:{opens}:R>."
    )
    result = await world.member.slash(world.general, "discussion link")
    assert result.response.content == "No discussion of Soundtrack #1 has opened yet."
    await advance_to(world, opens + 5)
    result = await world.member.slash(world.general, "discussion link")  # the latest
    links = await discussion_links(world.env.bot.db, world.guild.id, SHOW)
    assert result.response.content == f"Soundtrack #1, episode 1: {links[1]}"
    # The "none yet" answer went through the one error path, as a user-facing message.
    assert all(isinstance(e.__cause__ or e, UserFacingError) for e in answered_refusals(world.env))


async def test_a_deleted_channel_fails_the_timer_with_the_reason_and_is_fixable(world, kind):
    bot = world.env.bot
    channel = await use_channel(world, kind)
    await bot.get_channel(channel.id).delete()
    await world.env.settle()
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"discussion:{SHOW}:1")
    assert timer.status == "failed"
    assert "no longer exists" in timer.last_error
    assert "/discussion open" in world.log.last_message.content
    # An admin points the bot at a new channel; a moderator opens the episode, once.
    from bot.store.guilds import update_settings

    fresh = world.guild.create_text_channel("episodes-2")
    await update_settings(bot.db, world.guild.id, discussion_channel_id=fresh.id)
    for _ in range(2):
        await world.moderator.slash(world.general, "discussion open", show=SHOW, episode=1)
    assert len(discussion_threads(fresh)) == 1


async def test_an_admin_choosing_the_channel_with_config_plans_the_openings(world, kind):
    channel = world.discussion if kind == "forum" else world.guild.create_text_channel("episodes")
    await world.member.slash(world.general, "ping")  # the guild is seeded before any channel
    await world.env.settle()
    result = await world.admin.slash(world.general, "config set", discussion_channel=channel)
    assert result.ephemeral
    await world.env.settle()
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    threads = discussion_threads(channel)
    assert [t.name for t in threads] == ["[Spoilers] Soundtrack #1 — Episode 1 discussion"]


async def test_episodes_lists_each_opened_discussion(world, kind):
    channel = await use_channel(world, kind)
    await advance_to(world, kst_midnight(RELEASES[1]) + 5)
    (thread,) = discussion_threads(channel)
    result = await world.member.slash(world.general, "episodes")
    text = repr(result.response.embeds[0].to_dict())
    assert f"/{world.guild.id}/{thread.id}" in text
    assert text.count(f"/{world.guild.id}/") == 1  # episodes 2-4 have not opened yet


async def test_an_admins_release_edits_move_remove_and_add_openings(world, kind):
    channel = await use_channel(world, kind)
    bot = world.env.bot
    # Episode 2 moves a day earlier, episode 4 is withdrawn, episode 5 is announced.
    for command, options in (
        ("admin episode edit", {"number": 2, "field": "release", "value": "2022-03-24"}),
        ("admin episode remove", {"number": 4}),
        ("admin episode add", {"number": 5, "release": "2022-04-20"}),
    ):
        if command != "admin episode remove":
            options["source"] = "nme"
        result = await world.admin.slash(world.general, command, **options)
        assert result.ephemeral
        await world.env.settle()
    await advance_to(world, kst_midnight("2022-03-24") + 5)
    names = [t.name for t in discussion_threads(channel)]
    assert names[-1] == "[Spoilers] Soundtrack #1 — Episode 2 discussion"
    withdrawn = await bot.scheduler.get(guild_id=world.guild.id, key="discussion:soundtrack-1:4")
    assert withdrawn.status == "cancelled"
    await advance_to(world, kst_midnight("2022-04-20") + 5)
    numbers = [t.name.split("Episode ")[1].split(" ")[0] for t in discussion_threads(channel)]
    assert numbers == ["1", "2", "3", "5"]


async def test_unsetting_the_discussion_channel_cancels_the_pending_openings(world, kind):
    await use_channel(world, kind)
    bot = world.env.bot
    pending = await bot.scheduler.list(guild_id=world.guild.id, statuses=["pending"])
    assert any(t.kind == "discussion.open" for t in pending)
    result = await world.admin.slash(world.general, "config clear", setting="discussion_channel")
    assert result.ephemeral
    await world.env.settle()
    pending = await bot.scheduler.list(guild_id=world.guild.id, statuses=["pending"])
    assert not any(t.kind == "discussion.open" for t in pending)
