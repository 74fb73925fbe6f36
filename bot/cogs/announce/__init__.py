"""Announcements: countdown plans, custom announcements, the ledger, /countdown, /notify."""

from __future__ import annotations

from discord.ext import commands

from bot.cogs.announce._cog import Announce


async def setup(bot: commands.Bot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Announce(bot))
