"""Countdown plans and announcements, driven through SimCord in virtual time."""

from __future__ import annotations

from datetime import datetime

import discord
import pytest

from bot.domain.release import Precision, Release
from bot.services.announcer import replan_show
from bot.store.announce import set_premiere
from bot.store.guilds import update_settings
from tests.support.discord import answered_refusals, open_to_everyone
from tests.support.paths import KST

SLUG = "soundtrack-1"
# A minute-precision premiere (the bundled data only knows the day), set through the store.
PREMIERE = datetime(2022, 3, 23, 18, 0, tzinfo=KST)


def at(moment: datetime) -> int:
    return int(moment.timestamp())


@pytest.fixture
async def fan_server(world):
    """The world with an announcement channel, a log channel, a notify role and the
    minute-precision premiere."""
    bot = world.env.bot
    notify = world.guild.create_role("Notify")
    await bot.ensure_guild(world.guild.id)
    await update_settings(
        bot.db,
        world.guild.id,
        announce_channel_id=world.announcements.id,
        log_channel_id=world.log.id,
        notify_role_id=notify.id,
    )
    await set_premiere(bot.db, world.guild.id, SLUG, Release(at(PREMIERE), Precision.MINUTE))
    world.notify = notify
    return world


async def advance_to(world, moment: datetime) -> None:
    """Move virtual time to ``moment`` in steps of at most a day (keeps each settle short)."""
    while (remaining := at(moment) - world.env.bot.clock.timestamp()) > 0:
        await world.env.advance_time(min(remaining, 86400))


async def enable_plan(world) -> None:
    # The countdown alone: episode release announcements have their own tests
    # (tests/cogs/test_release_announcements.py).
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG, episodes=False)
    assert result.ephemeral
    await world.moderator.click(result.response, custom_id="announce:confirm")


def bot_posts(channel) -> list:
    return [m for m in channel.history() if m.author.bot]


async def test_plan_fires_each_stage_once_at_its_instant(fan_server):
    world = fan_server
    await enable_plan(world)
    expected = [
        ("D-7", 7 * 86400),
        ("D-3", 3 * 86400),
        ("D-1", 86400),
        ("H-1", 3600),
        ("premiere", 0),
    ]
    for count, (stage, before) in enumerate(expected, start=1):
        due = at(PREMIERE) - before
        await advance_to(world, datetime.fromtimestamp(due - 2, KST))
        assert len(bot_posts(world.announcements)) == count - 1, stage
        await world.env.advance_time(3)
        posts = bot_posts(world.announcements)
        assert len(posts) == count, stage
        assert abs(posts[-1].created_at.timestamp() - world.env.now().timestamp()) < 5
    await world.env.advance_time(7 * 86400)
    posts = bot_posts(world.announcements)
    assert len(posts) == 5
    assert "One week to go" in posts[0].content
    assert posts[0].content.startswith(world.notify.mention)
    assert "@everyone" not in posts[0].content
    # D-3 is a minor stage: sent silently; D-7 is not.
    assert posts[1].flags.suppress_notifications
    assert not posts[0].flags.suppress_notifications


async def test_sends_carry_a_nonce_and_ping_only_the_notify_role(fan_server):
    world = fan_server
    await enable_plan(world)
    await advance_to(world, datetime(2022, 3, 16, 18, 1, tzinfo=KST))
    sends = [
        r
        for r in world.env.http_requests
        if r.method == "POST"
        and r.path.endswith("/messages")
        and r.json
        and "One week" in (r.json.get("content") or "")
    ]
    assert len(sends) == 1
    body = sends[0].json
    assert body["enforce_nonce"] is True
    assert 0 < len(body["nonce"]) <= 25
    # The nonce is the sending timer's own, stable across a re-run (discord.py would
    # otherwise make up a random one per send, which Discord could not match to a repeat).
    sent = await world.env.bot.scheduler.list(guild_id=world.guild.id, statuses=["sent"])
    assert body["nonce"] in {timer.nonce for timer in sent}
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [world.notify.id]
    assert body["allowed_mentions"]["parse"] == []


async def test_moving_the_premiere_replans_pending_stages(fan_server):
    world = fan_server
    bot = world.env.bot
    await enable_plan(world)
    later = datetime(2022, 3, 30, 18, 0, tzinfo=KST)
    await set_premiere(bot.db, world.guild.id, SLUG, Release(at(later), Precision.MINUTE))
    await replan_show(bot, world.guild.id, SLUG)
    await advance_to(world, datetime(2022, 3, 17, 0, 0, tzinfo=KST))  # past the old D-7
    assert bot_posts(world.announcements) == []
    await advance_to(world, datetime(2022, 3, 23, 18, 1, tzinfo=KST))  # the new D-7
    posts = bot_posts(world.announcements)
    assert len(posts) == 1
    assert f"<t:{at(later)}:F>" in posts[0].content


async def test_moving_the_premiere_earlier_cancels_stages_now_past(fan_server):
    world = fan_server
    bot = world.env.bot
    await enable_plan(world)
    sooner = datetime(2022, 3, 3, 18, 0, tzinfo=KST)  # D-7 and D-3 are now in the past
    await set_premiere(bot.db, world.guild.id, SLUG, Release(at(sooner), Precision.MINUTE))
    await replan_show(bot, world.guild.id, SLUG)
    await advance_to(world, datetime(2022, 3, 4, 0, 0, tzinfo=KST))
    posts = [p.content for p in bot_posts(world.announcements)]
    assert len(posts) == 3  # D-1, H-1, premiere only
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "cancelled"


async def test_restart_in_the_middle_of_a_plan_loses_and_doubles_nothing(fan_server, make_bot):
    world = fan_server
    await enable_plan(world)
    await advance_to(world, datetime(2022, 3, 17, 0, 0, tzinfo=KST))
    assert len(bot_posts(world.announcements)) == 1
    await world.env.restart_bot(make_bot())
    await advance_to(world, datetime(2022, 3, 22, 0, 0, tzinfo=KST))
    await world.env.restart_bot(make_bot())
    await advance_to(world, datetime(2022, 3, 24, 0, 0, tzinfo=KST))
    stages = [p.content for p in bot_posts(world.announcements)]
    assert len(stages) == 5


async def test_stage_overdue_after_downtime_is_sent_late_within_the_window(fan_server, make_bot):
    world = fan_server
    bot = world.env.bot
    await enable_plan(world)
    await advance_to(world, datetime(2022, 3, 16, 17, 0, tzinfo=KST))
    await bot.scheduler.stop()  # the bot is down across D-7 (18:00) …
    await world.env.advance_time(40 * 60 + 3600)  # … until 18:40: inside the hour
    await world.env.restart_bot(make_bot())
    await world.env.advance_time(1)
    posts = bot_posts(world.announcements)
    assert len(posts) == 1
    assert "was due" in posts[0].content


async def test_stage_overdue_past_the_window_is_missed_never_sent(fan_server, make_bot):
    world = fan_server
    bot = world.env.bot
    await update_settings(bot.db, world.guild.id, catchup_seconds=600)
    await enable_plan(world)
    await advance_to(world, datetime(2022, 3, 16, 17, 0, tzinfo=KST))
    await bot.scheduler.stop()
    await world.env.advance_time(3600 + 20 * 60)  # 18:20: 20 minutes late, window 10
    await world.env.restart_bot(make_bot())
    await world.env.advance_time(1)
    assert bot_posts(world.announcements) == []
    result = await world.moderator.slash(world.general, "announce log")
    assert "missed" in result.response.embeds[0].description


@pytest.mark.parametrize(
    ("status", "code", "message"), [(403, 50001, "Missing Access"), (404, 10003, "Unknown Channel")]
)
async def test_permanent_send_errors_fail_at_once_and_tell_moderators(
    fan_server, status, code, message
):
    world = fan_server
    await enable_plan(world)
    world.env.inject_error(
        "POST",
        f"/channels/{world.announcements.id}/messages",
        status=status,
        code=code,
        message=message,
        times=None,
    )
    await advance_to(world, datetime(2022, 3, 16, 19, 0, tzinfo=KST))
    timer = await world.env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "failed"
    assert timer.attempts == 1
    assert str(status) in timer.last_error
    notices = [m.content for m in bot_posts(world.log)]
    assert len(notices) == 1
    assert "D-7" in notices[0]
    assert "failed" in notices[0]


async def test_server_errors_are_retried_then_fail(fan_server):
    world = fan_server
    await enable_plan(world)
    world.env.inject_error(
        "POST", f"/channels/{world.announcements.id}/messages", status=500, times=None
    )
    await advance_to(world, datetime(2022, 3, 16, 19, 0, tzinfo=KST))
    timer = await world.env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "failed"
    assert timer.attempts == 5  # the README's "five attempts"
    assert "gave up" in timer.last_error
    assert len(bot_posts(world.log)) == 1


async def test_a_passing_server_error_is_retried_and_sent_once(fan_server):
    world = fan_server
    await enable_plan(world)
    # Two 500s: the first two attempts fail, the third (after backoff) is sent.
    world.env.inject_error(
        "POST", f"/channels/{world.announcements.id}/messages", status=500, times=2
    )
    await advance_to(world, datetime(2022, 3, 16, 19, 0, tzinfo=KST))
    timer = await world.env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "sent"
    assert timer.attempts == 3
    assert len(bot_posts(world.announcements)) == 1


async def test_member_cannot_plan_announcements_even_when_discord_shows_the_command(fan_server):
    world = fan_server
    # An admin opened /announce to everyone in Discord's settings: our own check still refuses.
    await open_to_everyone(world, "announce")
    result = await world.member.slash(world.general, "announce plan", show=SLUG)
    assert result.ephemeral
    assert "Only moderators" in result.response.content
    assert [type(e).__name__ for e in answered_refusals(world.env)] == ["NotModerator"]
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []


async def test_add_refuses_a_past_time_and_saves_nothing(fan_server):
    world = fan_server
    result = await world.moderator.slash(
        world.general, "announce add", show=SLUG, when="2022-02-01 18:00 KST", text="hi"
    )
    assert result.ephemeral
    assert "already past" in result.response.content
    assert len(answered_refusals(world.env)) == 1  # the refusal, acknowledged: not a bug
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []


async def test_add_previews_then_sends_once_confirmed(fan_server):
    world = fan_server
    result = await world.moderator.slash(
        world.general, "announce add", show=SLUG, when="in 2h", text="Watch party @everyone!"
    )
    assert "KST" in result.response.content
    assert "<t:" in result.response.content
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await world.env.advance_time(2 * 3600 + 1)
    posts = bot_posts(world.announcements)
    assert len(posts) == 1
    assert posts[0].content.startswith("Watch party")
    assert not posts[0].mention_everyone


async def test_notify_carries_the_members_intent_so_a_repeat_changes_nothing(fan_server):
    world = fan_server

    def content(result):
        message = result.followups[0] if result.followups else result.response
        return message.content

    first = await world.member.slash(world.general, "notify", all_shows=True)
    assert "will be pinged" in content(first)
    # Again (a retry after a slow answer): the member still wants it, and keeps it.
    second = await world.member.slash(world.general, "notify", all_shows=True)
    assert "will be pinged" in content(second)
    stopped = await world.member.slash(world.general, "notify", all_shows=True, stop=True)
    assert "no longer" in content(stopped)
    again = await world.member.slash(world.general, "notify", all_shows=True, stop=True)
    assert "no longer" in content(again)


async def test_countdown_shows_the_premiere_live(fan_server):
    world = fan_server
    result = await world.member.slash(world.general, "countdown")
    assert f"<t:{at(PREMIERE)}:R>" in result.response.content


async def test_an_admin_moving_the_premiere_replans_the_countdown(fan_server):
    world = fan_server
    bot = world.env.bot
    await enable_plan(world)
    result = await world.admin.slash(
        world.general,
        "admin premiere set",
        when="2022-03-30T18:00",
        precision="minute",
        source="koreaherald",
    )
    assert "→ 2022-03-30T18:00 (minute)" in result.response.content
    await world.env.advance_time(0)
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "pending"
    assert timer.due == at(datetime(2022, 3, 23, 18, 0, tzinfo=KST))


async def test_an_admin_removing_the_show_cancels_its_pending_stages(fan_server):
    world = fan_server
    bot = world.env.bot
    await enable_plan(world)
    await world.admin.slash(world.general, "admin show remove", show=SLUG)
    await world.env.advance_time(0)
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert timer.status == "cancelled"
    await advance_to(world, datetime(2022, 3, 24, 0, 0, tzinfo=KST))
    assert bot_posts(world.announcements) == []


async def test_a_korean_server_gets_its_countdown_in_korean(fan_server):
    world = fan_server
    guild = world.env.bot.get_guild(world.guild.id)
    await guild.edit(preferred_locale=discord.Locale.korean)
    await enable_plan(world)
    await advance_to(world, datetime(2022, 3, 16, 18, 1, tzinfo=KST))
    (post,) = bot_posts(world.announcements)
    assert "일주일 남았습니다" in post.content
    assert "Soundtrack #1" in post.content  # show data stays as stored
    assert f"<t:{at(PREMIERE)}:F>" in post.content
    assert [b.label for row in post.components for b in row.children] == ["알림 받기"]


async def test_a_korean_servers_moderators_are_told_of_a_failure_in_korean(fan_server):
    world = fan_server
    guild = world.env.bot.get_guild(world.guild.id)
    await guild.edit(preferred_locale=discord.Locale.korean)
    await enable_plan(world)
    cleared = await world.admin.slash(world.general, "config clear", setting="announce_channel")
    d7 = datetime(2022, 3, 16, 18, 0, tzinfo=KST)  # D-7 is the first stage still ahead
    assert cleared.response.content.splitlines()[1] == (
        "⚠️ 5 planned announcement(s) have no channel now; the first is due "
        f"<t:{at(d7)}:R>. Set one with `/config set announce_channel` before then, "
        "or they fail."
    )
    await advance_to(world, datetime(2022, 3, 16, 18, 1, tzinfo=KST))
    timer = await world.env.bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert (timer.status, timer.attempts) == ("failed", 1)
    assert "공지 채널이 설정되지 않았습니다" in timer.last_error
    (notice,) = [m.content for m in bot_posts(world.log)]
    assert notice.startswith(f"⚠️ 공지 #{timer.id} (soundtrack-1 · D-7)를 보내지 못했습니다")
    assert bot_posts(world.announcements) == []


async def test_the_plan_preview_lists_each_stage_and_schedules_nothing_before_confirm(fan_server):
    world = fan_server
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG, episodes=False)
    assert result.ephemeral
    (embed,) = result.response.embeds
    assert embed.title == "Countdown plan: Soundtrack #1"

    def line(stage: str, moment: datetime, silent: bool = False) -> str:
        due = at(moment)
        bell = " 🔕" if silent else ""
        return f"**{stage}**{bell} — <t:{due}:F> (<t:{due}:R>) · {moment:%Y-%m-%d %H:%M} KST"

    # Planned on March 1st, 09:00 KST, for March 23rd, 18:00 KST: D-30 is already past.
    assert embed.description.splitlines() == [
        "~~D-30~~ skipped: already past.",
        line("D-7", datetime(2022, 3, 16, 18, 0, tzinfo=KST)),
        line("D-3", datetime(2022, 3, 20, 18, 0, tzinfo=KST), silent=True),
        line("D-1", datetime(2022, 3, 22, 18, 0, tzinfo=KST)),
        line("H-1", datetime(2022, 3, 23, 17, 0, tzinfo=KST)),
        line("premiere", PREMIERE),
        "",
        "**Episode releases**",
        "Off: episode releases will not be announced.",
    ]
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []


async def test_a_day_precise_premieres_preview_skips_the_hour_before(fan_server):
    world = fan_server
    day = at(datetime(2022, 3, 23, tzinfo=KST))
    await set_premiere(world.env.bot.db, world.guild.id, SLUG, Release(day, Precision.DAY))
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG, episodes=False)
    lines = result.response.embeds[0].description.splitlines()
    assert lines[4] == "~~H-1~~ skipped: the premiere is not known precisely enough."
    assert lines[5].startswith(f"**premiere** — <t:{day}:F>")


async def test_planning_a_show_without_a_premiere_says_so_and_schedules_nothing(fan_server):
    world = fan_server
    await world.env.bot.db.execute(
        "UPDATE shows SET premiere_at = NULL, premiere_precision = NULL WHERE slug = ?", (SLUG,)
    )
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG)
    assert result.ephemeral
    assert result.response.content == "**Soundtrack #1** has no premiere date yet."
    assert result.response.components == []  # no Confirm to press
    assert answered_refusals(world.env)  # a refusal the tree answered, not a bug
    assert await world.env.bot.scheduler.list(guild_id=world.guild.id) == []
