"""Who may run moderator and admin commands, decided in our own code (bot/ui/checks.py).

Discord's default_member_permissions only hides a command (a server owner can show it
to anyone), so every person here is let through Discord's side and the bot alone
decides. Each kind of person runs one command of each kind: a moderator command that
needs Manage Events (/announce list), one that needs Manage Threads (/discussion
close), and an admin command (/config view).
"""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.store.guilds import update_settings
from tests.support.discord import answered_refusals

SLUG = "soundtrack-1"
COMMANDS = {
    "events": ("announce", "announce list", {}),
    "threads": ("discussion", "discussion close", {"show": SLUG, "episode": 1}),
    "admin": ("config", "config view", {}),
}
# Who gets past which check, as the README says ("Admins" are …): moderators have
# Manage Events (Manage Threads for discussions), Administrator or the server's moderator
# or admin role; admins have Manage Server, Administrator or the server's admin role.
PEOPLE = {
    "plain member": ({}, "", set()),
    "another role": ({}, "other", set()),
    "Manage Events": ({"manage_events": True}, "", {"events"}),
    "Manage Threads": ({"manage_threads": True}, "", {"threads"}),
    "Manage Server": ({"manage_guild": True}, "", {"admin"}),
    "Administrator": ({"administrator": True}, "", {"events", "threads", "admin"}),
    "the moderator role": ({}, "moderator", {"events", "threads"}),
    "the admin role": ({}, "admin", {"events", "threads", "admin"}),
}


@pytest.fixture
async def server(world):
    """The world with a configured moderator role and admin role that carry no permission
    of their own (only the settings make them count), and a third, unrelated role."""
    guild = world.guild
    world.roles = {
        "moderator": guild.create_role("Helpers"),
        "admin": guild.create_role("Owners"),
        "other": guild.create_role("Regulars"),
    }
    await world.env.bot.ensure_guild(guild.id)
    await update_settings(
        world.env.bot.db,
        guild.id,
        moderator_role_id=world.roles["moderator"].id,
        admin_role_id=world.roles["admin"].id,
    )
    return world


def _person(world, who: str):
    permissions, role, _ = PEOPLE[who]
    roles = [world.roles[role]] if role else []
    if permissions:
        roles.append(world.guild.create_role(who, permissions=discord.Permissions(**permissions)))
    return world.guild.add_member(world.env.create_user(who.replace(" ", "_")), roles=roles)


@pytest.mark.parametrize("who", list(PEOPLE))
async def test_each_kind_of_person_gets_past_exactly_the_checks_they_should(server, who) -> None:
    world = server
    person = _person(world, who)
    allowed = PEOPLE[who][2]
    commands = {c.name: c for c in await world.env.bot.tree.fetch_commands(guild=None)}
    for kind, (top, name, options) in COMMANDS.items():
        world.guild.set_command_permissions(commands[top], {person: True})
        before = {id(e) for e in answered_refusals(world.env)}
        result = await person.slash(world.general, name, **options)
        new = [e for e in answered_refusals(world.env) if id(e) not in before]
        if kind in allowed:
            # No check of any kind said no (a bare CheckFailure would be "went wrong").
            failed = [type(e).__name__ for e in new if isinstance(e, app_commands.CheckFailure)]
            assert failed == [], f"{who} was refused /{name}: {failed}"
            assert "went wrong" not in (result.response.content or "")
        else:
            refused = "NotAdmin" if kind == "admin" else "NotModerator"
            assert [type(e).__name__ for e in new] == [refused], f"{who} got past /{name}"
            assert result.ephemeral
            expected = "Only admins can do that" if kind == "admin" else "Only moderators"
            assert expected in result.response.content
