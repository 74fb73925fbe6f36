"""/admin: admins keep the show catalog true, with sources, history and revert.

A package because the feature is big: ``_shows`` (show, premiere, source, alias),
``_parts`` (character, episode, cast, media), ``_history`` (history, revert, import,
export), ``_modal`` (long text), ``_base`` (the admin check, transaction, autocomplete).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.admin._base import AdminGroup
from bot.cogs.admin._history import AdminRoot
from bot.cogs.admin._parts import CastGroup, CharacterGroup, EpisodeGroup, MediaGroup
from bot.cogs.admin._shows import AliasGroup, PremiereGroup, ShowGroup, SourceGroup

if TYPE_CHECKING:
    from bot.app import KdramaBot


def build_admin_group() -> AdminGroup:
    """The /admin tree: guild-only, shown by default to Manage Server (checked in code too)."""
    admin = AdminRoot()
    for group in (ShowGroup, CastGroup, CharacterGroup, EpisodeGroup, MediaGroup, SourceGroup,
                  PremiereGroup, AliasGroup):  # fmt: skip
        admin.add_command(group())
    return admin


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    bot.tree.add_command(build_admin_group())


async def teardown(bot: KdramaBot) -> None:
    """Remove /admin again when the extension unloads."""
    bot.tree.remove_command("admin")
