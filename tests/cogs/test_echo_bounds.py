"""Regression tests for issue 13's findings: what users type comes back bounded and inert.

Each test sends the value a finding named through the real bot and asserts what the user
sees (an answer within Discord's limits, no live markup) and what is stored (nothing).
"""

from __future__ import annotations

import re

import pytest

from bot.domain.errors import InputError
from bot.ui.errors import NotAdmin, UserFacingError

LONG = "x" * 6000  # the longest value Discord lets a string option carry
HOSTILE = "@everyone <@&1> <t:0:R> `code` ||secret|| [click](https://evil.example) \n\x00\u202e"


def clean_refusals(world, since: int = 0) -> list[str]:
    """The keys of the refusals the bot answered; fails on any error that is a bug."""
    keys = []
    assert not world.env.errors  # a refusal is an answer; only bugs are counted as failures
    for error in world.refusals[since:]:
        original = getattr(error, "original", error)
        assert isinstance(original, UserFacingError | InputError | NotAdmin), repr(original)
        keys.append(getattr(original, "key", type(original).__name__))
    return keys


def said(result) -> str:
    """What the user read: the reply, or the first followup of a deferred command."""
    assert result.acknowledged, "the interaction was never answered"
    message = result.response or (result.followups[0] if result.followups else None)
    assert message is not None, "answered but nothing was said"
    return message.content


def assert_inert(text: str) -> None:
    """Nothing in ``text`` renders as a mention, timestamp, link, code or spoiler."""
    assert len(text) <= 2000
    assert "@everyone" not in text
    # Every markup character a user typed arrives backslash-escaped (shown as typed).
    assert not re.search(r"(?<!\\)[<`|\[]", text), text
    assert "\x00" not in text
    assert "\u202e" not in text
    assert "\n" not in text


async def _premiere(world):
    await world.env.bot.ensure_guild(world.guild.id)
    return await world.env.bot.db.fetchval(
        "SELECT premiere_at FROM shows WHERE guild_id = ? AND slug = 'soundtrack-1'",
        (world.guild.id,),
    )


async def test_a_6000_character_show_name_in_countdown_gets_a_short_answer(world):
    result = await world.member.slash(world.general, "countdown", show=LONG)
    text = said(result)
    assert result.ephemeral
    assert len(text) <= 2000
    assert "…" in text
    assert clean_refusals(world)


async def test_hostile_text_in_an_error_reply_shows_as_typed_and_pings_nobody(world):
    result = await world.member.slash(world.general, "countdown", show=HOSTILE)
    text = said(result)
    assert_inert(text)
    assert "secret" in text  # the user still recognises what they typed
    assert clean_refusals(world)


async def test_a_long_show_in_a_deferred_discussion_command_still_gets_its_answer(world):
    for actor, sub in ((world.member, "link"), (world.moderator, "open")):
        result = await actor.slash(world.general, f"discussion {sub}", show=LONG, episode=1)
        text = said(result)
        assert len(text) <= 2000
    assert clean_refusals(world)


@pytest.mark.parametrize("typed", ["²", "①", "1" * 25, "9223372036854775808", "0", "-1", " "])
async def test_an_alias_id_that_is_not_a_row_id_asks_to_pick_from_the_list(world, typed):
    result = await world.admin.slash(world.general, "admin alias remove", alias=typed)
    assert "Pick an entry from the list" in said(result)
    assert clean_refusals(world) == ["admin.pick_from_list"]
    assert await world.env.bot.db.fetchval("SELECT COUNT(*) FROM history") == 0


@pytest.mark.parametrize("when", ["0001", "1899", "2101", "9999"])
async def test_a_premiere_outside_1900_to_2100_is_refused_and_the_guild_keeps_working(world, when):
    before = await _premiere(world)
    result = await world.admin.slash(
        world.general, "admin premiere set", when=when, precision="year", source="nme"
    )
    assert "between 1900 and 2100" in said(result)
    assert await _premiere(world) == before
    assert clean_refusals(world)
    refused = len(world.env.errors)
    for command in ("show", "countdown"):
        shown = await world.member.slash(world.general, command)
        assert shown.response is not None
    assert world.env.errors[refused:] == []


async def test_a_day_premiere_in_9999_is_refused(world):
    result = await world.admin.slash(
        world.general, "admin premiere set", when="9999-12-31", precision="day", source="nme"
    )
    assert "between 1900 and 2100" in said(result)
    assert clean_refusals(world)


@pytest.mark.parametrize("tz", ["x" * 300, "../../../etc/passwd", "\x00", "America", "Asia/"])
async def test_any_zone_text_is_an_unknown_zone_not_a_crash(world, tz):
    before = await _premiere(world)
    result = await world.admin.slash(
        world.general, "admin premiere set", when="2022", precision="year", source="nme", tz=tz
    )
    text = said(result)
    assert "unknown time zone" in text.lower()
    assert len(text) < 400
    assert await _premiere(world) == before
    assert clean_refusals(world)


async def test_a_show_file_dated_year_1_is_refused_with_its_line(world, bundled_text):
    text = bundled_text.replace('date = "2022-03-23"', 'date = "0001-03-23"', 1)
    assert text != bundled_text
    result = await world.admin.slash(
        world.general, "admin import", file=("show.toml", text.encode()), dry_run=False
    )
    said_text = said(result)
    assert "between 1900 and 2100" in said_text
    assert clean_refusals(world)


# A show title an admin may store: every kind of markup, at the length a title allows.
MARKUP_TITLE = "@everyone <@&1> ||spoiler|| [click](https://evil.example) `code` **b**"


def assert_quoted_inert(text: str) -> None:
    """``text`` is a success reply quoting MARKUP_TITLE: within Discord's limit, and each
    piece of the title's markup shown as typed (the reply's own markup may stay)."""
    assert len(text) <= 2000
    for live in ("@everyone", "||spoiler||", "[click](", "`code`"):
        assert live not in text, (live, text)
    assert not re.search(r"(?<!\\)<@&1>", text), text
    assert "\\|\\|spoiler\\|\\|" in text, text  # still recognisable, escaped


async def test_success_replies_quote_a_stored_title_inert(world):
    from bot.store.guilds import update_settings

    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(bot.db, world.guild.id, discussion_channel_id=world.discussion.id)
    edited = await world.admin.slash(
        world.general, "admin show edit", field="title", value=MARKUP_TITLE, source="nme"
    )
    assert_quoted_inert(said(edited))
    show = "soundtrack-1"
    replies = [
        await world.member.slash(world.general, "watched", show=show, episode=1),
        await world.member.slash(world.general, "countdown", show=show),
        await world.member.slash(world.general, "discussion link", show=show, episode=2),
        await world.member.slash(world.general, "notify", show=show),
        await world.member.slash(world.general, "notify", show=show, stop=True),
        await world.admin.slash(
            world.general, "config follow_role", show=show, role=world.notify_role
        ),
    ]
    for result in replies:
        assert_quoted_inert(said(result))
    found = await world.member.slash(world.general, "search", query=MARKUP_TITLE)
    [card] = found.response.embeds
    assert "@everyone" not in card.title, card.title
    assert "[click](" not in card.title, card.title
    assert clean_refusals(world) == []
