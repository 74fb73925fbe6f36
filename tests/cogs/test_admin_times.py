"""/admin premiere and episode releases take the same times as /announce, in the server's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.timeexpr import TimeExprError
from bot.store.guilds import update_settings
from tests.support.discord import answered_refusals


async def _premiere(bot, guild_id: int) -> tuple[int, str, str]:
    row = await bot.db.fetchone(
        "SELECT premiere_at, premiere_precision, premiere_tz FROM shows WHERE guild_id = ?",
        (guild_id,),
    )
    return tuple(row)


@pytest.mark.parametrize(
    "when", ["2027-01-15 18:00 KST", "2027-01-15T18:00+09:00", "2027-01-15 09:00 UTC",
             "2027-01-15 18:00 Asia/Seoul", "2027-01-15 18:00"],
)  # fmt: skip
async def test_premiere_set_takes_a_date_time_and_zone_and_infers_the_minute(world, when):
    result = await world.admin.slash(
        world.general, "admin premiere set", when=when, source="koreaherald"
    )
    assert "(minute)" in result.response.content, result.response.content
    at, precision, _tz = await _premiere(world.env.bot, world.guild.id)
    assert at == int(datetime(2027, 1, 15, 9, 0, tzinfo=UTC).timestamp())
    assert precision == "minute"


@pytest.mark.parametrize(
    ("when", "precision"), [("2027", "year"), ("2027-01", "month"), ("2027-01-15", "day")]
)
async def test_premiere_precision_is_what_was_typed(world, when, precision):
    await world.admin.slash(world.general, "admin premiere set", when=when, source="nme")
    assert (await _premiere(world.env.bot, world.guild.id))[1] == precision


async def test_a_precision_that_disagrees_with_the_date_is_refused_and_nothing_changes(world):
    await world.env.bot.ensure_guild(world.guild.id)
    before = await _premiere(world.env.bot, world.guild.id)
    result = await world.admin.slash(
        world.general, "admin premiere set", when="2027-01", precision="day", source="nme"
    )
    assert result.ephemeral
    assert "a date to the month, not to the day" in result.response.content
    assert await _premiere(world.env.bot, world.guild.id) == before
    assert [type(e) for e in answered_refusals(world.env)] == [TimeExprError]


async def test_releases_without_a_zone_are_read_in_the_servers_zone(world):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(bot.db, world.guild.id, timezone="UTC")
    result = await world.admin.slash(
        world.general, "admin episode edit", number=2, field="release", source="nme",
        value="2022-03-23 18:00",
    )  # fmt: skip
    assert "(minute)" in result.response.content, result.response.content
    row = await bot.db.fetchone(
        "SELECT release_at, release_precision, release_tz FROM episodes WHERE number = 2"
    )
    assert tuple(row) == (
        int(datetime(2022, 3, 23, 18, 0, tzinfo=UTC).timestamp()),
        "minute",
        "UTC",
    )
    await world.admin.slash(
        world.general, "admin episode edit", number=2, field="release", source="nme",
        value="2022-03-24 +09:00",
    )  # fmt: skip
    row = await bot.db.fetchone(
        "SELECT release_at, release_precision, release_tz FROM episodes WHERE number = 2"
    )
    assert tuple(row) == (
        int(datetime(2022, 3, 23, 15, 0, tzinfo=UTC).timestamp()),
        "day",
        "+09:00",
    )


async def test_a_bad_zone_is_refused_in_the_admins_language(world, set_locale):
    set_locale(world.admin, "ko")
    result = await world.admin.slash(
        world.general, "admin premiere set", when="2027-01-15 18:00 Mars/Olympus", source="nme"
    )
    assert result.ephemeral
    assert result.response.content.startswith("“Mars/Olympus”(이)라는 시간대를 모르겠어요.")
    english = await world.moderator.slash(
        world.general, "announce add", show="Soundtrack #1", when="2027-01-15 18:00 Mars/Olympus",
        text="hi",
    )  # fmt: skip
    assert english.response.content.startswith("Unknown time zone “Mars/Olympus”: use KST")
    errors = answered_refusals(world.env)
    assert [(type(e), e.key) for e in errors] == [(TimeExprError, "time.unknown_zone")] * 2


async def test_parse_and_field_refusals_reach_a_korean_admin_in_korean(world, set_locale):
    set_locale(world.admin, "ko")
    set_locale(world.moderator, "ko")
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    before = await _premiere(bot, world.guild.id)
    said = []
    for actor, command, options in [
        (world.admin, "admin premiere set", {"when": "2027-01", "precision": "day"}),
        (world.admin, "admin premiere set", {"when": "2027-02-30"}),
        (world.admin, "admin show edit", {"field": "title", "value": "x" * 201}),
        (world.admin, "admin show edit", {"field": "episode_count", "value": "many"}),
        (world.moderator, "announce add", {"when": "tomorrow", "text": "hi"}),
        (world.moderator, "announce add", {"when": "in 0h", "text": "hi"}),
    ]:
        if command.startswith("admin"):
            options["source"] = "nme"
        else:
            options["show"] = "Soundtrack #1"
        result = await actor.slash(world.general, command, **options)
        assert result.ephemeral, command
        said.append(result.response.content)
    assert said[0].startswith("“2027-01”은(는) 월 단위까지 적힌 날짜라서 일 단위"), said[0]
    assert said[1].startswith("“2027-02-30”은(는) 실제로 있는 날짜가 아니에요."), said[1]
    assert said[2] == "title이(가) 201자예요. 200자까지만 쓸 수 있어요.", said[2]
    # Echoed like any typed value: Discord shows the escaped "_" as itself.
    assert said[3].startswith("episode\\_count: “many”은(는) 정수가 아니에요."), said[3]
    assert said[4].startswith("“tomorrow”을(를) 시각으로 읽지 못했어요."), said[4]
    assert said[5] == "기간은 1h처럼 0보다 커야 해요.", said[5]
    keys = [e.key for e in answered_refusals(world.env)]
    assert keys == ["time.precision_mismatch", "time.not_real_date", "check.too_long",
                    "check.not_whole_number", "time.bad_when", "time.duration_zero"]  # fmt: skip
    assert await _premiere(bot, world.guild.id) == before  # nothing was saved
