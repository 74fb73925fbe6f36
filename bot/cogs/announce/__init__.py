"""Announcements: countdown plans, custom announcements, the ledger, /countdown, /notify."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.cogs.announce._cog import Announce

if TYPE_CHECKING:
    from bot.app import KdramaBot


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Announce(bot))
