"""The baseline for bench_wire: a bare discord.py bot answering /ping, nothing else."""

from __future__ import annotations

import logging
import os

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

discord.http.Route.BASE = os.environ["DISCORD_API_BASE_URL"]
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
logging.basicConfig(level=logging.INFO)
# Same allowed_mentions as kdrama-bot, so both send the same bytes.
client = discord.Client(
    intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none()
)
tree = app_commands.CommandTree(client)


@tree.command(name="ping", description="Check that the bot is alive")
async def ping(interaction: discord.Interaction) -> None:
    """Answer like kdrama-bot's /ping does."""
    ms = round(client.latency * 1000)
    await interaction.response.send_message(f"Pong! Gateway latency {ms} ms.", ephemeral=True)


@client.event
async def on_ready() -> None:
    """The line bench_wire waits for."""
    logging.getLogger("bare").info("ready as %s", client.user)


client.run(os.environ["DISCORD_TOKEN"], log_handler=None)
