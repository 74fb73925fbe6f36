"""The Discord permissions the bot's features need, and why each one."""

from __future__ import annotations

from collections.abc import Iterable

import discord

# (permission flag, why the bot needs it) — the README and `kdrama-bot invite` use this.
REQUIRED: tuple[tuple[str, str], ...] = (
    ("view_channel", "see the channels it answers in and posts to"),
    ("send_messages", "post countdown announcements and discussion starter messages"),
    ("send_messages_in_threads", "post in episode-discussion threads and forum posts"),
    ("embed_links", "show its replies and announcements as embeds"),
    ("attach_files", "send /admin export files"),
    ("read_message_history", "find and link the discussion index and earlier posts"),
    ("create_public_threads", "open episode-discussion threads and forum posts"),
    ("manage_threads", "archive, lock and reopen discussions; find archived ones"),
    ("manage_channels", "create the Episode and Finale tags on a forum channel"),
    ("pin_messages", "pin the discussion index"),
    ("manage_roles", "make each show's follower role; give and take it and the notify role"),
    (
        "mention_everyone",
        "ping a show's follower role, which members cannot ping (every send still allows "
        "only the roles it names: never @everyone or @here)",
    ),
    ("manage_events", "create and update the premiere's scheduled event"),
    ("create_events", "create the premiere's scheduled event"),
)


def required_permissions() -> discord.Permissions:
    """Every permission in :data:`REQUIRED`, as one value."""
    return discord.Permissions(**dict.fromkeys((name for name, _ in REQUIRED), True))


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot with exactly the permissions it needs."""
    return discord.utils.oauth_url(
        application_id,
        permissions=required_permissions(),
        scopes=("bot", "applications.commands"),
    )


def permission_names(names: Iterable[str]) -> str:
    """``Manage Threads, Pin Messages``: permission flags as Discord's settings name them."""
    return ", ".join(name.replace("_", " ").replace("guild", "server").title() for name in names)
