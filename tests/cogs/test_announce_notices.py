"""What announcements say, word for word: the posts, the failure notices, the warnings.

Each expected text is written out here as a reader sees it, not built from the
catalog the bot reads, so a changed field, label or separator fails.
"""

from __future__ import annotations

from datetime import datetime

import discord
import pytest

from bot.services.announcer import add_custom
from bot.store.guilds import update_settings
from tests.cogs.discussion_harness import kst_midnight, use_channel
from tests.cogs.test_announce import advance_to, bot_posts, enable_plan
from tests.support.paths import KST

SLUG = "soundtrack-1"
# The bundled show's premiere is known to the day: midnight in Korea.
PREMIERE_DAY = kst_midnight("2022-03-23")
NO_CHANNEL = {
    "en": "no announcement channel is set (/config set announce_channel)",
    "ko": "공지 채널이 설정되지 않았습니다 (/config set announce_channel)",
}
LABELS = {
    "en": {"custom": "custom announcement", "release": "episode 1, 2 release"},
    "ko": {"custom": "직접 작성한 공지", "release": "1, 2화 공개"},
}


def notice(locale: str, timer_id: int, what: str, reason: str) -> str:
    if locale == "ko":
        return (
            f"⚠️ 공지 #{timer_id} (soundtrack-1 · {what})를 보내지 못했습니다: {reason}. "
            "/announce log를 보세요."
        )
    return (
        f"⚠️ Announcement #{timer_id} (soundtrack-1 · {what}) failed: {reason}. See /announce log."
    )


def datetime_kst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=KST)


async def _settings(world, locale: str = "en", **settings) -> discord.Role:
    """The announcement and log channels and the notify role set; a Korean server when
    ``locale`` is ``"ko"``."""
    bot = world.env.bot
    notify = world.notify_role
    await bot.ensure_guild(world.guild.id)
    await update_settings(
        bot.db, world.guild.id, announce_channel_id=world.announcements.id,
        log_channel_id=world.log.id, notify_role_id=notify.id, **settings,
    )  # fmt: skip
    if locale == "ko":
        await bot.get_guild(world.guild.id).edit(preferred_locale=discord.Locale.korean)
    return notify


async def _confirmed_plan(world, **options) -> None:
    result = await world.moderator.slash(world.general, "announce plan", show=SLUG, **options)
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await world.env.settle()


@pytest.mark.parametrize("locale", ["en", "ko"])
async def test_moderators_read_which_announcement_failed_and_why(world, locale):
    bot = world.env.bot
    await _settings(world, locale, combine_double_drops=True)
    # Episodes 1 and 2 both drop on the 23rd: one combined release announcement.
    await bot.db.execute("UPDATE episodes SET release_at = ? WHERE number = 2", (PREMIERE_DAY,))
    await _confirmed_plan(world)
    await add_custom(
        bot, world.guild.id, show=SLUG, due=kst_midnight("2022-03-10") + 12 * 3600,
        text="Watch party!", channel_id=None, ping=True,
    )  # fmt: skip
    # The channel is cleared afterwards: every announcement fails when it comes due.
    await update_settings(bot.db, world.guild.id, announce_channel_id=None)
    await advance_to(world, datetime_kst(2022, 3, 24))

    failed = await bot.scheduler.list(guild_id=world.guild.id, statuses=["failed"])
    what = {}
    for timer in failed:
        if timer.kind == "announce.custom":
            what[timer.id] = LABELS[locale]["custom"]
        elif timer.kind == "announce.release":
            what[timer.id] = LABELS[locale]["release"]
        else:
            what[timer.id] = timer.key.rsplit(":", 1)[1]
    assert sorted(what.values()) == sorted(
        ["D-1", "D-3", "D-7", "premiere", LABELS[locale]["custom"], LABELS[locale]["release"]]
    )
    reason = NO_CHANNEL[locale]
    assert {timer.last_error for timer in failed} == {reason}
    notices = [m.content for m in bot_posts(world.log)]
    assert sorted(notices) == sorted(notice(locale, i, w, reason) for i, w in what.items())
    assert bot_posts(world.announcements) == []


async def test_a_moderators_own_announcement_goes_where_and_as_it_was_asked(world):
    notify = await _settings(world)

    async def add(text: str, **options) -> None:
        result = await world.moderator.slash(
            world.general, "announce add", show=SLUG, when="2022-03-01 12:00 KST", text=text,
            **options,
        )  # fmt: skip
        await world.moderator.click(result.response, custom_id="announce:confirm")

    await add("Watch party tonight!", channel=world.general, ping=True)
    await add("Watch party tonight!", channel=world.general, ping=True)  # the same, again
    await add("Quiz at noon")  # the same instant, its own text
    pending = await world.env.bot.scheduler.list(guild_id=world.guild.id, statuses=["pending"])
    assert len(pending) == 2
    await advance_to(world, datetime_kst(2022, 3, 1, 12, 1))
    (party,) = bot_posts(world.general)
    assert party.content == f"{notify.mention} Watch party tonight!"
    assert not party.flags.suppress_notifications  # a moderator's own: never silent
    (quiz,) = bot_posts(world.announcements)
    assert quiz.content == "Quiz at noon"
    assert not quiz.flags.suppress_notifications
    for post in (party, quiz):
        ((button,),) = [row.children for row in post.components]
        assert (button.label, str(button.emoji)) == ("Notify me", "🔔")


D7_DAY = f"<t:{PREMIERE_DAY}:D> (<t:{PREMIERE_DAY}:R>)"
D7_EN, D7_KO = (
    "📅 One week to go! **Soundtrack #1** premieres",
    "📅 일주일 남았습니다! **Soundtrack #1** 은(는)",
)
# D-7 of a premiere known to the day, by the server's language and the show's platform.
D7_TEXTS = {
    ("en", "Disney+"): f"{D7_EN} on Disney+ {D7_DAY}.",
    ("en", None): f"{D7_EN} {D7_DAY}.",
    ("ko", "Disney+"): f"{D7_KO} Disney+에서 {D7_DAY} 공개됩니다.",
    ("ko", None): f"{D7_KO} {D7_DAY} 공개됩니다.",
}


@pytest.mark.parametrize(("locale", "platform"), list(D7_TEXTS))
async def test_a_day_precise_premiere_is_announced_by_its_day(world, locale, platform):
    notify = await _settings(world, locale)
    if platform is None:
        await world.env.bot.db.execute("UPDATE shows SET platform = NULL WHERE slug = ?", (SLUG,))
    await enable_plan(world)
    await advance_to(world, datetime_kst(2022, 3, 16, 0, 1))
    (post,) = bot_posts(world.announcements)
    # Only the day is claimed (`:D`, not `:F` with an hour); an unknown platform is not
    # named at all (no "on ?"), in either language.
    assert post.content == f"{notify.mention} {D7_TEXTS[locale, platform]}"


@pytest.mark.usefixtures("forum_pins")
async def test_clearing_the_channel_names_only_the_announcements_left_without_one(world):
    bot = world.env.bot
    await _settings(world)
    await use_channel(world, "forum")  # discussion openings: timers of another kind
    await _confirmed_plan(world)  # four stages and four episode releases
    await add_custom(
        bot, world.guild.id, show=SLUG, due=kst_midnight("2022-03-25"), text="In #general",
        channel_id=world.general.id, ping=False,
    )  # fmt: skip
    await advance_to(world, datetime_kst(2022, 3, 17))  # D-7 is sent
    assert len(bot_posts(world.announcements)) == 1
    cleared = await world.admin.slash(world.general, "config clear", setting="announce_channel")
    # D-3, D-1, the premiere and four releases; not the sent D-7, not the one in #general,
    # not the discussion openings.
    assert cleared.response.content.splitlines()[1] == (
        "⚠️ 7 planned announcement(s) have no channel now; the first is due "
        f"<t:{kst_midnight('2022-03-20')}:R>. Set one with `/config set announce_channel` "
        "before then, or they fail."
    )


GONE = {
    "en": "the show soundtrack-1 or its premiere is gone",
    "ko": "작품 soundtrack-1 또는 그 공개일이 사라졌습니다",
}


@pytest.mark.parametrize("locale", ["en", "ko"])
async def test_a_stage_whose_premiere_went_away_fails_at_once_saying_so(world, locale):
    bot = world.env.bot
    await _settings(world, locale)
    await enable_plan(world)
    # The premiere is unset behind the plan's back (no re-plan ran): D-7 still comes due.
    await bot.db.execute(
        "UPDATE shows SET premiere_at = NULL, premiere_precision = NULL WHERE slug = ?", (SLUG,)
    )
    await advance_to(world, datetime_kst(2022, 3, 16, 0, 1))
    timer = await bot.scheduler.get(guild_id=world.guild.id, key=f"plan:{SLUG}:D-7")
    assert (timer.status, timer.attempts, timer.last_error) == ("failed", 1, GONE[locale])
    assert [m.content for m in bot_posts(world.log)] == [
        notice(locale, timer.id, "D-7", GONE[locale])
    ]
    assert bot_posts(world.announcements) == []


async def test_a_korean_servers_late_announcement_says_when_it_was_due_in_korean(world, make_bot):
    env = world.env
    notify = await _settings(world, "ko")
    await enable_plan(world)
    d7 = PREMIERE_DAY - 7 * 86400
    await advance_to(world, datetime_kst(2022, 3, 15, 23, 0))
    await env.bot.scheduler.stop()  # down across D-7 (midnight) until 00:30: inside the hour
    await env.advance_time(90 * 60)
    await env.restart_bot(make_bot())
    await env.advance_time(1)
    (post,) = bot_posts(world.announcements)
    assert post.content == (
        f"{notify.mention} {D7_TEXTS['ko', 'Disney+']}\n_(<t:{d7}:R> 예정이었음)_"
    )


async def _custom_come_due(world, channel_id: int):
    """A moderator's own announcement to ``channel_id``, a minute ahead, once it came due."""
    bot = world.env.bot
    await add_custom(
        bot, world.guild.id, show=SLUG, due=bot.clock.timestamp() + 60, text="Hello",
        channel_id=channel_id, ping=False,
    )  # fmt: skip
    await world.env.advance_time(61)
    (timer,) = await bot.scheduler.list(guild_id=world.guild.id)
    return timer


@pytest.mark.parametrize("locale", ["en", "ko"])
async def test_an_announcement_for_a_channel_that_holds_no_messages_fails_naming_it(world, locale):
    await _settings(world, locale)
    forum = world.discussion.id  # a forum takes posts, not messages
    timer = await _custom_come_due(world, forum)
    reason = {
        "en": f"channel {forum} cannot hold messages",
        "ko": f"채널 {forum}에는 메시지를 보낼 수 없습니다",
    }[locale]
    assert (timer.status, timer.attempts, timer.last_error) == ("failed", 1, reason)
    assert [m.content for m in bot_posts(world.log)] == [
        notice(locale, timer.id, LABELS[locale]["custom"], reason)
    ]


async def test_an_announcement_for_a_deleted_channel_fails_at_once_as_unknown(world):
    # Not in the bot's cache any more, so it asks Discord, which says the channel is
    # unknown: a permanent failure, told to the log channel once (not "cannot hold
    # messages", which is for a channel that exists).
    bot = world.env.bot
    await _settings(world)
    gone = world.general.id
    await bot.get_channel(gone).delete()
    await world.env.settle()
    timer = await _custom_come_due(world, gone)
    reason = "404 Unknown Channel"
    assert (timer.status, timer.attempts, timer.last_error) == ("failed", 1, reason)
    assert [m.content for m in bot_posts(world.log)] == [
        notice("en", timer.id, LABELS["en"]["custom"], reason)
    ]


async def test_a_countdown_planned_for_another_channel_is_announced_there(world):
    # /announce plan's channel option is stored with the plan: D-7 goes there, not to
    # the server's announcement channel.
    notify = await _settings(world)
    result = await world.moderator.slash(
        world.general, "announce plan", show=SLUG, channel=world.general, episodes=False
    )
    await world.moderator.click(result.response, custom_id="announce:confirm")
    await advance_to(world, datetime_kst(2022, 3, 16, 0, 1))
    (d7,) = bot_posts(world.general)
    assert d7.content.startswith(f"{notify.mention} 📅 One week to go! **Soundtrack #1**")
    assert bot_posts(world.announcements) == []
