"""/ping: a liveness check that every deployment can try first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.domain.shards import shard_of
from bot.i18n import t

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot


class Meta(commands.Cog):
    """Small commands about the bot itself."""

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    @app_commands.command(
        name=app_commands.locale_str("ping"),
        description=app_commands.locale_str("Check that the bot is alive and how fast it answers"),
    )
    async def ping(self, interaction: Interaction) -> None:
        """Answer with the latency of the shard this server is on, naming the shard."""
        count = self.bot.shard_count or 1
        shard_id = shard_of(interaction.guild_id, count) if interaction.guild_id else 0
        shard = self.bot.get_shard(shard_id)
        latency = shard.latency if shard is not None else self.bot.latency
        ms = round(latency * 1000) if latency == latency and latency != float("inf") else 0
        text = t("ping.reply", interaction, ms=ms, shard=shard_id, shards=count)
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Meta(bot))
