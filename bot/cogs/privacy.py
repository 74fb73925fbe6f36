"""/privacy show, forget and export, and the servers the bot leaves.

A member sees, and can delete, what the bot keeps about them in this server: their
``/watched`` progress, their ``/rate`` ratings and the follower and notify roles the bot
gave them. Admins can download everything the bot stores for the server. Which tables
hold whose data is one list, in :mod:`bot.store.privacy`.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.echo import Markup
from bot.i18n import locale_of, t
from bot.mentions import NO_MENTIONS
from bot.services import follows
from bot.services.departures import Departures
from bot.store import privacy
from bot.store.guilds import get_settings
from bot.ui.checks import admin_only, guild_of
from bot.ui.confirm import ConfirmView
from bot.ui.tree import defer, say

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot
    from bot.store.privacy import MemberData

MAX_LINES = 40


async def _bot_roles(interaction: Interaction) -> list[tuple[discord.Role, str | None]]:
    """The roles the bot gives that the member has: (role, show title), None for the
    server-wide notify role."""
    member, guild = interaction.user, interaction.guild
    if guild is None or not isinstance(member, discord.Member):
        return []
    found: list[tuple[discord.Role, str | None]] = []
    for follow in await follows.followed(interaction.client, member):
        role = guild.get_role(follow.role_id)
        if role is not None:
            found.append((role, follow.title))
    settings = await get_settings(interaction.client.db, guild.id)
    if settings.notify_role_id is not None:
        role = member.get_role(settings.notify_role_id)
        if role is not None:
            found.append((role, None))
    return found


def _lines(
    interaction: Interaction, data: MemberData, roles: list[tuple[discord.Role, str | None]]
) -> list[str]:
    """One line per thing the bot keeps about the member (rows, roles, staff records)."""
    lines: list[str] = []
    for table, rows in data.rows.items():
        for row in rows:
            show = row.get("show_title") or row.get("show_slug") or "?"
            if table == "member_progress":
                episode = row["episode"]
                lines.append(say("privacy.line.progress", interaction, show=show, episode=episode))
            elif table == "episode_ratings":
                lines.append(
                    say("privacy.line.rating", interaction, show=show, episode=row["episode"],
                        stars=row["stars"])
                )  # fmt: skip
        if rows and table not in ("member_progress", "episode_ratings"):
            # A member table with no sentence of its own yet is still shown, as a count.
            lines.append(say("privacy.line.rows", interaction, table=table, count=len(rows)))
    for role, show in roles:
        if show is None:
            lines.append(t("privacy.line.notify_role", interaction, role=role.mention))
        else:
            lines.append(
                say("privacy.line.follow_role", interaction, role=Markup(role.mention), show=show)
            )
    for table, count in data.staff.items():
        if count:
            key = f"privacy.line.staff.{table}"
            lines.append(t(key, interaction, count=count, table=table))
    if len(lines) > MAX_LINES:
        more = t("privacy.line.more", interaction, count=len(lines) - MAX_LINES + 1)
        lines = [*lines[: MAX_LINES - 1], more]
    return lines


class Privacy(commands.Cog):
    """Each member's own data, the server's export, and purging servers the bot left."""

    privacy = app_commands.Group(
        name=_("privacy"),
        description=_("See or delete what the bot keeps about you"),
        guild_only=True,
    )

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        self.departures = Departures(bot, grace_days=bot.departed_grace_days)

    async def cog_load(self) -> None:
        """Start the loop that purges servers whose grace period is over."""
        self.bot.spawn(self.departures.run(), name="departures")

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: its data is kept for the grace period, then purged."""
        await self.departures.left(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a server (perhaps back within its grace period: nothing is purged)."""
        await self.departures.returned(guild.id, joined=True)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A server is there (at start-up, or after an outage): if it had been left, it
        is back."""
        await self.departures.returned(guild.id)

    @privacy.command(
        name=_("show", key="privacy show"), description=_("See what the bot keeps about you here")
    )
    async def show(self, interaction: Interaction) -> None:
        """Every row and role the bot keeps about the member in this server (only they see it)."""
        data = await privacy.member_data(self.bot.db, guild_of(interaction), interaction.user.id)
        roles = await _bot_roles(interaction)
        lines = _lines(interaction, data, roles)
        embed = discord.Embed(
            title=t("privacy.show.title", interaction),
            description="\n".join(lines) if lines else t("privacy.nothing", interaction),
        )
        embed.set_footer(text=t("privacy.show.footer", interaction))
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @privacy.command(
        name=_("forget"), description=_("Delete your progress, ratings and roles here")
    )
    async def forget(self, interaction: Interaction) -> None:
        """Preview what is deleted, with Confirm; nothing is deleted before."""
        guild_id, user_id = guild_of(interaction), interaction.user.id
        data = await privacy.member_data(self.bot.db, guild_id, user_id)
        roles = await _bot_roles(interaction)
        if not any(data.rows.values()) and not roles:
            await interaction.response.send_message(
                t("privacy.forget.nothing", interaction), ephemeral=True
            )
            return
        own = _lines(interaction, privacy.MemberData(data.rows, {}), roles)

        rated = tuple(sorted({r["show_slug"] for r in data.rows["episode_ratings"]}))

        async def confirm(click: discord.Interaction[Any]) -> str:
            deleted = await privacy.forget_member(self.bot.db, guild_id, user_id)
            if rated:  # the discussion index shows averages that may include them
                self.bot.dispatch("ratings_forgotten", guild_id, rated)
            taken, kept = await _take_off(click, await _bot_roles(click))
            answer = t("privacy.forget.done", click, rows=sum(deleted.values()), roles=taken)
            if kept:
                answer += "\n" + t("privacy.forget.roles_kept", click, roles=", ".join(kept))
            return answer

        embed = discord.Embed(
            title=t("privacy.forget.title", interaction), description="\n".join(own)
        )
        embed.set_footer(text=t("privacy.forget.footer", interaction))
        await interaction.response.send_message(
            embed=embed, view=ConfirmView(user_id, confirm, locale=locale_of(interaction)),
            ephemeral=True, allowed_mentions=NO_MENTIONS,
        )  # fmt: skip

    @privacy.command(
        name=_("export"),
        description=_("Download everything the bot stores for this server (admins)"),
    )
    @admin_only()
    async def export(self, interaction: Interaction) -> None:
        """Every row the store holds for the server, as one JSON file (ephemeral)."""
        guild_id = guild_of(interaction)
        await defer(interaction, ephemeral=True, thinking=True)
        tables = await privacy.export_guild(self.bot.db, guild_id)
        document = {
            "guild_id": str(guild_id),
            "exported_at": self.bot.clock.timestamp(),
            "schema_version": await self.bot.db.user_version(),
            "tables": tables,
        }
        body = json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        file = discord.File(io.BytesIO(body), filename=f"kdrama-bot-{guild_id}.json")
        rows = sum(len(found) for found in tables.values())
        await interaction.edit_original_response(
            content=t("privacy.export.done", interaction, tables=len(tables), rows=rows),
            attachments=[file], allowed_mentions=NO_MENTIONS,
        )  # fmt: skip


async def _take_off(
    interaction: discord.Interaction[Any], roles: list[tuple[discord.Role, str | None]]
) -> tuple[int, list[str]]:
    """Take the bot's roles off the member: how many, and the names of any it could not."""
    member = interaction.user
    if not roles or not isinstance(member, discord.Member):
        return 0, []
    try:
        await member.remove_roles(*(role for role, _ in roles), reason="/privacy forget")
    except discord.HTTPException:
        return 0, [role.name for role, _ in roles]
    return len(roles), []


async def setup(bot: KdramaBot) -> None:
    """Load the cog."""
    await bot.add_cog(Privacy(bot))
