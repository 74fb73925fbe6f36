"""The demo fan server inside SimCord: shared by the sandbox and the behavioural tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import simcord


@dataclass
class FanServer:
    """A K-drama fan server: channels, roles and three kinds of people."""

    guild: Any
    general: Any
    announcements: Any
    discussion: Any
    log: Any
    moderator_role: Any
    admin_role: Any
    notify_role: Any
    member: Any
    moderator: Any
    admin: Any


def build_fan_server(env: simcord.Env) -> FanServer:
    """#general, #announcements, a #discussion forum and #mod-log; a Moderator role (Manage
    Events, Manage Threads), an Admin role (Manage Server) and a notify role; a member
    (minji), a moderator (mod_hana) and an admin (admin_joon). No bot settings."""
    guild = env.create_guild(name="K-drama Fans")
    general = guild.create_text_channel("general")
    announcements = guild.create_text_channel("announcements")
    discussion = guild.create_forum_channel("discussion")
    log = guild.create_text_channel("mod-log")
    moderator_role = guild.create_role(
        "Moderator", permissions=discord.Permissions(manage_events=True, manage_threads=True)
    )
    admin_role = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    notify_role = guild.create_role("Drama Alerts", mentionable=True)
    return FanServer(
        guild=guild,
        general=general,
        announcements=announcements,
        discussion=discussion,
        log=log,
        moderator_role=moderator_role,
        admin_role=admin_role,
        notify_role=notify_role,
        member=guild.add_member(env.create_user("minji")),
        moderator=guild.add_member(env.create_user("mod_hana"), roles=[moderator_role]),
        admin=guild.add_member(env.create_user("admin_joon"), roles=[admin_role]),
    )
