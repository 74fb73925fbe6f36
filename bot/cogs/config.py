"""/config view|set|clear: the guild's channels, roles, zone and feature knobs (admins only)."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.domain.echo import Markup
from bot.domain.timeexpr import DEFAULT_ZONE, zone_name
from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.services import announcer, discussions, follows
from bot.store.guilds import GuildSettings, get_settings, update_settings
from bot.ui.checks import AdminGroup, guild_of
from bot.ui.errors import UserFacingError
from bot.ui.options import DiscussionChannel, ShowOption
from bot.ui.permissions import permission_names
from bot.ui.tree import answer, defer_before_write, say

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot

# What each channel's feature does there, as permission flags (only what is used). The
# discussion channel is checked by the discussions service, which knows forums and tags.
NEEDS: dict[str, tuple[str, ...]] = {
    "announce": ("view_channel", "send_messages", "embed_links"),
    "log": ("view_channel", "send_messages"),
}


# The settings that may be empty: the features using them stop (channels) or fall back.
Clearable = Literal[
    "announce_channel", "discussion_channel", "log_channel",
    "notify_role", "moderator_role", "admin_role", "default_show",
]  # fmt: skip


@cache
def timezones() -> tuple[str, ...]:
    """Every IANA zone this system knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones()))


async def missing_permissions(
    interaction: Interaction, channel: discord.abc.GuildChannel, use: str
) -> list[str]:
    """The permissions the bot lacks in ``channel`` for ``use`` (announce/log/discussion)."""
    if channel.guild.me is None:  # not cached yet (right after joining): nothing to check
        return []
    if use == "discussion":
        return await discussions.channel_problems(
            interaction.client,
            interaction.guild_id or 0,
            channel,  # type: ignore[arg-type]
        )
    have = channel.permissions_for(channel.guild.me)
    return [name for name in NEEDS[use] if not getattr(have, name)]


async def _check_channel(
    interaction: Interaction, channel: discord.abc.GuildChannel, use: str
) -> None:
    missing = await missing_permissions(interaction, channel, use)
    if missing:
        # Both are the bot's own words (a link to the channel, Discord's permission
        # names): echoing them escaped the link and cut a long list short.
        raise UserFacingError(
            "config.missing",
            channel=Markup(channel.mention),
            permissions=Markup(permission_names(missing)),
        )


async def complete_timezone(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """IANA zones containing what was typed (Asia/Seoul first when nothing is)."""
    typed = current.strip().lower().replace(" ", "_")
    found = [z for z in timezones() if typed in z.lower()] if typed else [DEFAULT_ZONE, "UTC"]
    return [app_commands.Choice(name=z, value=z) for z in found[:25]]


def _describe(interaction: Interaction, s: GuildSettings) -> discord.Embed:
    def mention(kind: str, value: int | None) -> str:
        return f"<{kind}{value}>" if value else t("config.unset", interaction)

    embed = discord.Embed(title=t("config.title", interaction))
    rows = {
        "announce_channel": mention("#", s.announce_channel_id),
        "discussion_channel": mention("#", s.discussion_channel_id),
        "log_channel": mention("#", s.log_channel_id),
        "notify_role": mention("@&", s.notify_role_id),
        "moderator_role": mention("@&", s.moderator_role_id),
        "admin_role": mention("@&", s.admin_role_id),
        "timezone": s.timezone,
        "default_show": s.default_show or t("config.unset", interaction),
        "catchup_minutes": str(s.catchup_seconds // 60),
        "watchable_delay_minutes": str(s.watchable_delay_seconds // 60),
        "combine_double_drops": "✅" if s.combine_double_drops else "—",
        "archive_minutes": str(s.archive_minutes),
        "discussion_polls": "✅" if s.discussion_polls else "—",
    }
    for name, value in rows.items():
        embed.add_field(name=name, value=value, inline=True)
    return embed


class ConfigGroup(
    AdminGroup,
    name="config",
    description="View or change this server's bot settings",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
):
    """/config view|set|clear."""

    @app_commands.command(name="view", description="Show this server's bot settings")
    async def view(self, interaction: Interaction) -> None:
        """The settings as an embed (mentions render but never ping)."""
        settings = await get_settings(interaction.client.db, guild_of(interaction))
        await interaction.response.send_message(
            embed=_describe(interaction, settings), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="set", description="Change one or more bot settings")
    @app_commands.describe(
        announce_channel="Where countdown announcements go",
        discussion_channel="Forum or text channel for episode discussions",
        log_channel="Where the bot tells moderators about problems",
        notify_role="Role pinged for announcements", moderator_role="Role that counts as moderator",
        admin_role="Role that counts as admin", timezone="KST, UTC, +09:00 or an IANA zone",
        default_show="Show used when a command names none",
        catchup_minutes="How late an announcement may still be posted after downtime",
        watchable_delay_minutes="Minutes after release before an episode counts as watchable",
        combine_double_drops="Announce two episodes released together as one",
        archive_minutes="When idle discussion threads archive",
        discussion_polls="Put a poll (How was episode 3?) in each episode discussion",
    )  # fmt: skip
    @app_commands.autocomplete(timezone=complete_timezone)
    async def set_(
        self,
        interaction: Interaction,
        announce_channel: discord.TextChannel | None = None,
        discussion_channel: app_commands.Transform[
            discord.ForumChannel | discord.TextChannel, DiscussionChannel
        ]
        | None = None,
        log_channel: discord.TextChannel | None = None,
        notify_role: discord.Role | None = None,
        moderator_role: discord.Role | None = None,
        admin_role: discord.Role | None = None,
        timezone: str | None = None,
        default_show: ShowOption | None = None,
        catchup_minutes: app_commands.Range[int, 0, 10080] | None = None,
        watchable_delay_minutes: app_commands.Range[int, 0, 1440] | None = None,
        combine_double_drops: bool | None = None,
        archive_minutes: Literal[60, 1440, 4320, 10080] | None = None,
        discussion_polls: bool | None = None,
    ) -> None:
        """Validate everything first (permissions, zone, show); then store it all at once."""
        changes: dict[str, object] = {}
        for use, channel in (("announce", announce_channel), ("discussion", discussion_channel),
                             ("log", log_channel)):  # fmt: skip
            if channel is not None:
                await _check_channel(interaction, channel, use)
                changes[f"{use}_channel_id"] = channel.id
        for name, role in (
            ("notify", notify_role),
            ("moderator", moderator_role),
            ("admin", admin_role),
        ):
            if role is not None:
                if role.is_default() or role.managed:
                    raise UserFacingError("config.bad_role", role=Markup(role.mention))
                changes[f"{name}_role_id"] = role.id
        if timezone is not None:
            # The one zone lookup: KST, UTC, +09:00 or an IANA name, stored canonically; an
            # unknown one is the tree's to answer (time.unknown_zone), before anything is saved.
            changes["timezone"] = zone_name(timezone)
        if default_show is not None:  # already resolved (title, alias or slug) by the option
            changes["default_show"] = default_show.slug
        if catchup_minutes is not None:
            changes["catchup_seconds"] = catchup_minutes * 60
        if watchable_delay_minutes is not None:
            changes["watchable_delay_seconds"] = watchable_delay_minutes * 60
        if combine_double_drops is not None:
            changes["combine_double_drops"] = combine_double_drops
        if archive_minutes is not None:
            changes["archive_minutes"] = archive_minutes
        if discussion_polls is not None:
            changes["discussion_polls"] = discussion_polls
        if not changes:
            raise UserFacingError("config.nothing")
        await defer_before_write(interaction)
        settings = await update_settings(interaction.client.db, guild_of(interaction), **changes)
        # Discussions re-plan their openings (channel, delay, combining) on this event.
        interaction.client.dispatch("guild_settings_changed", guild_of(interaction))
        await answer(
            interaction,
            t("config.saved", interaction, names=", ".join(sorted(changes))),
            embed=_describe(interaction, settings),
        )

    @app_commands.command(
        name="follow_role", description="Pick the role that follows one show (none: forget it)"
    )
    @app_commands.describe(show="The show", role="The role its announcements ping")
    async def follow_role(
        self, interaction: Interaction, show: ShowOption, role: discord.Role | None = None
    ) -> None:
        """Set (or, without a role, forget) the show's follower role."""
        if role is not None and (role.is_default() or role.managed):
            raise UserFacingError("config.bad_role", role=Markup(role.mention))
        await defer_before_write(interaction)
        title = await follows.pick_role(
            interaction.client, guild_of(interaction), show.slug, role.id if role else None,
            by=interaction.user.id,
        )  # fmt: skip
        if role is None:
            text = say("follow.config.forgot", interaction, show=title)
        else:
            text = say("follow.config.saved", interaction, show=title, role=Markup(role.mention))
        await answer(interaction, text)

    @app_commands.command(
        name="clear", description="Unset one setting (a channel, a role or the default show)"
    )
    @app_commands.describe(setting="The setting to unset")
    async def clear(self, interaction: Interaction, setting: Clearable) -> None:
        """Unset one optional setting; the features that used it stop or fall back."""
        column = setting if setting == "default_show" else f"{setting}_id"
        db = interaction.client.db
        await defer_before_write(interaction)
        settings = await update_settings(db, guild_of(interaction), **{column: None})
        # With no discussion channel, pending openings are cancelled on this event.
        interaction.client.dispatch("guild_settings_changed", guild_of(interaction))
        text = t("config.cleared", interaction, name=setting)
        if setting == "announce_channel":
            # They are kept (a moderator may set a new channel in time), but say so now
            # rather than let them fail one by one in the log channel.
            waiting = await announcer.waiting_for_channel(interaction.client, guild_of(interaction))
            if waiting:
                text += "\n" + t(
                    "config.announcements_waiting", interaction,
                    count=len(waiting), due=f"<t:{waiting[0].due}:R>",
                )  # fmt: skip
        await answer(interaction, text, embed=_describe(interaction, settings))


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    bot.tree.add_command(ConfigGroup())


async def teardown(bot: KdramaBot) -> None:
    """Remove /config again when the extension unloads."""
    bot.tree.remove_command("config")
