"""One ``show`` option everywhere: typed titles resolve, autocomplete offers titles.

Every command that has a ``show`` option is found in the bot's own tree (so a new
command joins the check by existing) and run by an admin with the show's title typed
in, as a member would type it without picking from autocomplete.
"""

from __future__ import annotations

from typing import Any

import pytest
from discord import AppCommandOptionType, app_commands

from bot.domain.showfile import parse_show_file
from bot.store.catalog_io import import_show
from bot.store.guilds import update_settings
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowTransformer
from tests.support.discord import answered_refusals

NOT_FOUND = "couldn't find a show called"


def _leaves(commands) -> list[app_commands.Command]:
    found = []
    for command in commands:
        if isinstance(command, app_commands.Group):
            found += _leaves(command.commands)
        else:
            found.append(command)
    return found


def _with_show(bot) -> list[app_commands.Command]:
    leaves = _leaves(bot.tree.get_commands())
    shows = [c for c in leaves if any(p.name == "show" for p in c.parameters)]
    # Removing the show last, so every other command still has it to find.
    return sorted(shows, key=lambda c: c.qualified_name == "admin show remove")


def _actor(world, command: app_commands.Command):
    """Who may run it: admins the admin commands, moderators the moderators', else a member."""
    root = command.qualified_name.split()[0]
    if root in ("admin", "config"):
        return world.admin
    if root in ("announce", "discussion"):
        return world.moderator
    return world.member


def _required(command: app_commands.Command, world) -> dict[str, Any] | None:
    """Plausible values for the other required options (None: one we cannot fill)."""
    values: dict[str, Any] = {}
    for p in command.parameters:
        if not p.required or p.name == "show":
            continue
        if p.choices:
            values[p.name] = p.choices[0].value
        elif p.type is AppCommandOptionType.string:
            values[p.name] = "x"
        elif p.type in (AppCommandOptionType.integer, AppCommandOptionType.number):
            values[p.name] = p.min_value if p.min_value is not None else 1
        elif p.type is AppCommandOptionType.boolean:
            values[p.name] = False
        elif p.type is AppCommandOptionType.channel:
            values[p.name] = world.general
        elif p.type is AppCommandOptionType.role:
            values[p.name] = world.notify_role
        else:
            return None
    return values


async def test_every_show_option_is_the_one_transformer(world):
    commands = _with_show(world.env.bot)
    names = {c.qualified_name for c in commands}
    # The commands the issue found taking only a slug are among them.
    assert {"countdown", "discussion link", "announce plan", "admin export", "show"} <= names
    for command in commands:
        annotation = command._params["show"]._annotation  # what discord.py transforms with
        assert isinstance(annotation, ShowTransformer), command.qualified_name


async def test_typing_the_title_works_in_every_command_with_a_show_option(world):
    await world.env.bot.tree.sync()
    ran = []
    for command in _with_show(world.env.bot):
        options = _required(command, world)
        if options is None:
            continue
        result = await _actor(world, command).slash(
            world.general, command.qualified_name, show="Soundtrack #1", **options
        )
        said = " ".join(
            [result.response.content or ""] + [m.content or "" for m in result.followups]
        )
        assert NOT_FOUND not in said, (command.qualified_name, said)
        ran.append(command.qualified_name)
    # Whatever else each refused ("x" is rarely a good value), it was never the show.
    errors = answered_refusals(world.env)
    assert all(
        not isinstance(e, UserFacingError) or e.key != "members.not_found.show" for e in errors
    )
    assert len(ran) >= 25, ran


async def test_show_autocomplete_offers_titles_with_stable_slug_values(world):
    for command in _with_show(world.env.bot):
        choices = await _actor(world, command).autocomplete(
            world.general, command.qualified_name, "show", "sound"
        )
        assert choices == [{"name": "Soundtrack #1", "value": "soundtrack-1"}], (
            command.qualified_name
        )


@pytest.mark.parametrize(
    "typed",
    ["Soundtrack #1", "soundtrack #1", "  SOUNDTRACK   #1 ", "soundtrack-1", "사운드트랙 #1",
     "Why Did You Come To My House"],
)  # fmt: skip
async def test_countdown_resolves_slug_title_alias_and_hangul_in_any_case(world, typed):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await import_show(bot.db, world.guild.id, parse_show_file(_bundled_with_hangul_title()))
    result = await world.member.slash(world.general, "countdown", show=typed)
    assert "Soundtrack #1" in result.response.content, typed


def _bundled_with_hangul_title() -> str:
    from tests.support.paths import BUNDLED

    text = BUNDLED.read_text("utf-8")
    return text.replace(
        'title = "Soundtrack #1"\n', 'title = "Soundtrack #1"\nnative_title = "사운드트랙 #1"\n', 1
    )


async def test_an_empty_show_option_is_the_only_show_and_a_bad_one_says_did_you_mean(world):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    await update_settings(bot.db, world.guild.id, default_show=None)  # the only show, then
    result = await world.member.slash(world.general, "countdown")
    assert "Soundtrack #1" in result.response.content
    result = await world.member.slash(world.general, "countdown", show="Soundtrak #1")
    assert result.ephemeral
    assert result.response.content.startswith(f"I {NOT_FOUND} “Soundtrak #1”.")
    assert "Did you mean: Soundtrack #1?" in result.response.content
    assert [e.key for e in answered_refusals(world.env)] == ["members.not_found.show"]


async def test_no_show_chosen_is_one_message_in_every_command(world):
    bot = world.env.bot
    await bot.ensure_guild(world.guild.id)
    text = _bundled_with_hangul_title().replace('slug = "soundtrack-1"', 'slug = "another"', 1)
    await import_show(bot.db, world.guild.id, parse_show_file(text))  # a second show
    await update_settings(bot.db, world.guild.id, default_show=None)
    actors = {"countdown": world.member, "show": world.member, "discussion link": world.member,
              "admin export": world.admin, "announce plan": world.moderator}  # fmt: skip
    for name, actor in actors.items():
        result = await actor.slash(world.general, name)
        assert result.ephemeral, name
        assert result.response.content.startswith("Which show?"), (name, result.response.content)
    assert {e.key for e in answered_refusals(world.env)} == {"show.none_chosen"}


def test_no_cog_wraps_the_show_resolver_in_its_own_helper():
    # choose_show (services/lookup) is the one resolver; chosen_show/chosen_slug in
    # bot/ui/options.py adapt it to an interaction. A cog's own wrapper (admin's
    # show_slug, announce's _show_slug) is the start of a second resolver.
    import ast
    from pathlib import Path

    cogs = Path(__file__).resolve().parents[2] / "bot" / "cogs"
    wrappers = []
    for path in sorted(cogs.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for ret in ast.walk(node):
                calls = (
                    [n for n in ast.walk(ret) if isinstance(n, ast.Call)]
                    if isinstance(ret, ast.Return)
                    else []
                )
                names = {getattr(c.func, "id", getattr(c.func, "attr", "")) for c in calls}
                if names & {"choose_show", "chosen_show", "chosen_slug"}:
                    wrappers.append(f"{path.relative_to(cogs)}:{node.name}")
    assert wrappers == []
