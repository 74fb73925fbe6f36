"""Who a message the bot sends may ping: the one allowed-mentions value for every layer.

The client, the services that post on their own (announcements, discussions, the log
channel) and the Discord-facing pieces that answer members (``bot.ui``) all import it
from here, so no layer reaches into another's module for it. Every send names it
explicitly even though the client sets it as the default: a send that passes its own
``allowed_mentions`` (an announcement's follower role) replaces the default entirely.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

# User text is repeated in replies and posts: it must never ping anyone.
NO_MENTIONS = discord.AllowedMentions.none()


def only_roles(role_ids: Sequence[int]) -> discord.AllowedMentions:
    """Mentions that ping exactly these roles: never @everyone, users or other roles."""
    if not role_ids:
        return NO_MENTIONS
    roles = [discord.Object(role_id) for role_id in role_ids]
    return discord.AllowedMentions(everyone=False, users=False, roles=roles)
