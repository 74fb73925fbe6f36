"""A guild sees only its own catalog: every member command that takes a show, asked from a
second guild by the first guild's slug, title and other title, answers from its own.

The first guild (the fan server) renamed its copy of the bundled show and added a show of
its own; the second guild has only the bundled show as shipped.
"""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import import_show
from tests.support.discord import user_errors

# Every member command with a ``show`` option, and what else it needs to run.
MEMBER_COMMANDS = {
    "show": {},
    "cast": {},
    "crew": {},
    "character": {"name": "Lee Eun-soo"},
    "plot": {"episode": 1},
    "episodes": {},
    "trailer": {},
    "watched": {"episode": 1},
    "rate": {"episode": 1, "stars": 4},
    "notify": {},
    "countdown": {},
    "discussion link": {"episode": 1},
}
# Commands with a ``show`` option that only moderators may run (refused to members in
# our own check, tested in tests/cogs/test_discussions.py).
MODERATOR_COMMANDS = {"discussion open", "discussion close", "discussion reopen"}

THEIR_SLUG = "first-guild-only"
THEIR_TITLE = "First Guild Exclusive"
THEIR_OTHER_TITLE = "Working Title Of The First Guild"
THEIR_RENAME = "Renamed By The First Guild"
# Nothing of the first guild's may reach the second guild's member, whatever they asked.
FIRST_GUILDS_WORDS = (THEIR_TITLE, THEIR_OTHER_TITLE, THEIR_RENAME)


def everything_said(result) -> str:
    """All text of an answer and its follow-ups: content, embeds, buttons."""
    parts = []
    for message in [result.response, *result.followups]:
        if message is None:
            continue
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
            parts += [f"{f.name} {f.value}" for f in embed.fields]
        parts += [str(row) for row in message.components or []]
    return "\n".join(parts)


@pytest.fixture
async def second_guild(world, bundled_text):
    """The first guild's own edits, and a second guild with a member in #general."""
    env = world.env
    bot = env.bot
    await bot.ensure_guild(world.guild.id)
    renamed = bundled_text.replace('title = "Soundtrack #1"', f'title = "{THEIR_RENAME}"', 1)
    await import_show(bot.db, world.guild.id, parse_show_file(renamed))
    theirs = (
        bundled_text.replace('slug = "soundtrack-1"', f'slug = "{THEIR_SLUG}"', 1)
        .replace('title = "Soundtrack #1"', f'title = "{THEIR_TITLE}"', 1)
        .replace('title = "Why Did You Come To My House"', f'title = "{THEIR_OTHER_TITLE}"', 1)
        .replace('kind = "former"', 'kind = "working"', 1)
    )
    assert THEIR_SLUG in theirs
    assert THEIR_OTHER_TITLE in theirs
    await import_show(bot.db, world.guild.id, parse_show_file(theirs))
    other = env.create_guild(name="Other Fans")
    general = other.create_text_channel("general")
    member = other.add_member(env.create_user("yuna"))
    await env.bot.tree.sync()
    return member, general


def test_the_list_is_every_command_that_takes_a_show(world) -> None:
    takes_a_show = {
        command.qualified_name
        for command in world.env.bot.tree.walk_commands()
        if isinstance(command, app_commands.Command)
        and any(p.name == "show" for p in command.parameters)
        and (command.root_parent or command).default_permissions is None
    }
    assert takes_a_show == set(MEMBER_COMMANDS) | MODERATOR_COMMANDS


@pytest.mark.parametrize("command", sorted(MEMBER_COMMANDS))
@pytest.mark.parametrize("asked", [THEIR_SLUG, THEIR_TITLE, THEIR_OTHER_TITLE])
async def test_a_show_only_the_first_guild_has_is_not_found_in_the_second(
    world, second_guild, command, asked
) -> None:
    member, general = second_guild
    result = await member.slash(general, command, show=asked, **MEMBER_COMMANDS[command])
    said = everything_said(result)
    # (The discussion and countdown commands still word it their own way.)
    refusals = {
        "members.not_found.show": f"I couldn't find a show called “{asked}”.",
        "discussion.error.no_show": f"There is no show called “{asked}” here.",
        "announce.unknown_show": f"I don't know a show called “{asked}” here.",
    }
    (refused,) = user_errors(world.env)
    assert refusals[refused] in said, said
    assert result.ephemeral
    for word in FIRST_GUILDS_WORDS:
        if word != asked:
            assert word not in said


@pytest.mark.parametrize("command", sorted(MEMBER_COMMANDS))
async def test_the_shared_slug_answers_with_the_second_guilds_own_show(
    world, second_guild, command
) -> None:
    member, general = second_guild
    result = await member.slash(general, command, show="soundtrack-1", **MEMBER_COMMANDS[command])
    said = everything_said(result)
    for word in FIRST_GUILDS_WORDS:
        assert word not in said, said
    # Its own show as shipped, answered: no refusal, no "no longer in the catalog"
    # (only /rate refuses, as for anyone: the episode is not out at the tests' start).
    assert user_errors(world.env) == (["members.rate.not_released"] if command == "rate" else [])
    assert "Soundtrack #1" in said


async def test_what_one_guild_was_answered_is_never_given_to_another(world, second_guild) -> None:
    # The answers are remembered (bot/services/reply_cache.py) until the store changes:
    # both guilds ask the same questions with nothing written in between.
    member, general = second_guild
    bot = world.env.bot
    await bot.ensure_guild(general.guild.id)
    version = await bot.db.version()

    async def both(command: str, **options: object) -> tuple[str, str]:
        first = await world.member.slash(world.general, command, **options)
        second = await member.slash(general, command, **options)
        return everything_said(first).strip(), everything_said(second).strip()

    for options in ({}, {"show": "soundtrack-1"}):  # the default show, and the shared slug
        ours, theirs = await both("countdown", **options)
        assert THEIR_RENAME in ours
        assert "Soundtrack #1" in theirs
        assert THEIR_RENAME not in theirs
    ours, theirs = await both("cast", person="Kim Hee-won")
    assert ours.startswith("Kim Hee-won")
    assert theirs.startswith("Kim Hee-won")

    async def values(who, channel, *args: object, **options: object) -> dict[str, str]:
        choices = await who.autocomplete(channel, *args, **options)
        return {c["name"]: c["value"] for c in choices}

    assert await values(world.member, world.general, "show", "show", "") == {
        THEIR_TITLE: THEIR_SLUG,
        THEIR_RENAME: "soundtrack-1",
    }
    assert await values(member, general, "show", "show", "") == {"Soundtrack #1": "soundtrack-1"}
    for command, option, typed, kwargs in (
        ("cast", "person", "Kim", {}),
        ("character", "name", "Lee", {"show": "soundtrack-1"}),
    ):
        ours_ = await values(world.member, world.general, command, option, typed, **kwargs)
        theirs_ = await values(member, general, command, option, typed, **kwargs)
        assert sorted(ours_) == sorted(theirs_)  # the same names, each guild's own rows
        for name, value in theirs_.items():
            picked = {option: value}
            said = everything_said(await member.slash(general, command, **picked)).strip()
            assert said.startswith(name), said
            # The first guild's row, by its id, is nobody in the second guild.
            picked = {option: ours_[name]}
            said = everything_said(await member.slash(general, command, **picked)).strip()
            assert said.startswith("I couldn't find"), said
    assert await bot.db.version() == version  # nothing was written: all from one store version
    assert set(user_errors(world.env)) == {
        "members.not_found.person",
        "members.not_found.character",
    }
