"""/announce (moderators), /countdown and /notify (everyone)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.cogs.announce import _render as render
from bot.cogs.announce._follow import follow_show, list_follows
from bot.cogs.announce._views import set_notify
from bot.domain.countdown import milestones
from bot.domain.echo import Markup
from bot.domain.timeexpr import check_window, korea_text, parse_when
from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.services import announcer, events, releases
from bot.store import announce as store
from bot.store import timers as timer_store
from bot.store.guilds import get_settings
from bot.ui.checks import guild_of, moderator_only
from bot.ui.confirm import ConfirmView
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowOption, chosen_slug
from bot.ui.tree import answer, defer_before_write, say
from bot.ui.views import answering_refusals

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot
    from bot.services.lookup import ChosenShow

MAX_TEXT = 1800


class NotifyMe(discord.ui.DynamicItem[discord.ui.Button], template=announcer.NOTIFY_TEMPLATE):
    """The "Notify me" button on every announcement, working across restarts.

    Its custom_id may carry the announcing timer's nonce (how a re-run finds its own
    earlier send; ignored here) and the show announced: the button then makes the member
    a follower of that show. Without a show it gives the server-wide notify role.
    """

    def __init__(self, show: str | None = None) -> None:
        super().__init__(announcer.notify_button(show=show))
        self.show = show

    @classmethod
    async def from_custom_id(cls, interaction, item, match, /):
        """Rebuild the button from its custom_id: the show it follows, if any."""
        return cls(match["show"])

    @answering_refusals
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Follow the announced show (or take the server's notify role): the button means
        "notify me", never "stop", so a repeated press changes nothing."""
        if self.show:
            await follow_show(interaction, self.show, on=True)
        else:
            await set_notify(interaction, on=True)


async def _timing(interaction: Interaction, slug: str) -> store.ShowTiming:
    found = await store.show_timing(interaction.client.db, guild_of(interaction), slug)
    if found is None:
        raise UserFacingError("members.not_found.show", query=slug, hint="")
    return found


class Announce(commands.Cog):
    """Countdown plans, custom announcements, the ledger, the premiere event."""

    announce = app_commands.Group(
        name=_("announce"),
        description=_("Schedule and review announcements (moderators)"),
        guild_only=True,
        default_permissions=discord.Permissions(manage_events=True),
    )

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the timer handlers and the persistent button before the scheduler starts."""
        announcer.register(self.bot)
        releases.register(self.bot)
        self.bot.add_dynamic_items(NotifyMe)

    async def cog_unload(self) -> None:
        """Stop handling announcement timers (they wait, pending, for the next load)."""
        for kind in announcer.KINDS:
            self.bot.scheduler.unregister(kind)
        self.bot.remove_dynamic_items(NotifyMe)

    @commands.Cog.listener()
    async def on_premiere_changed(self, guild_id: int, show_slug: str) -> None:
        """An admin moved (or removed) a premiere or an episode's release, or episodes
        came or went: re-plan that show's countdown and release announcements."""
        await announcer.replan_show(self.bot, guild_id, show_slug)
        await releases.replan_releases(self.bot, guild_id, show_slug)

    @commands.Cog.listener()
    async def on_guild_settings_changed(self, guild_id: int) -> None:
        """The watchable delay or double-drop combining may have changed: re-plan releases."""
        await releases.replan_guild(self.bot, guild_id)

    @commands.Cog.listener()
    async def on_discussion_opened(self, guild_id: int, show_slug: str, episodes: tuple) -> None:
        """An episode's discussion opened: link it from its release announcement."""
        await releases.link_discussions(self.bot, guild_id, show_slug, episodes)

    @announce.command(
        name=_("plan"), description=_("Preview and enable the countdown plan for a show")
    )
    @app_commands.describe(
        show=_("The show"),
        channel=_("Where to announce (default: the announcement channel)"),
        episodes=_("Also announce each episode's release (default: yes)"),
    )
    @moderator_only()
    async def plan(
        self,
        interaction: Interaction,
        show: ShowOption | None = None,
        channel: discord.TextChannel | None = None,
        episodes: bool = True,
    ) -> None:
        """Show D-30 … premiere and each episode's release with Confirm."""
        slug = await chosen_slug(interaction, show)
        timing, stages = await announcer.plan_preview(self.bot, guild_of(interaction), slug)
        if timing.premiere is None:
            raise UserFacingError("announce.no_premiere", title=timing.title)
        lines = render.plan_lines(interaction, stages)
        if timing.premiere.precision.value == "month":
            lines.insert(0, t("announce.plan.month_only", interaction))
        lines.append("")
        lines.append(t("announce.plan.releases_heading", interaction))
        if episodes:
            planned = await releases.preview(self.bot, guild_of(interaction), slug)
            lines += render.release_lines(interaction, planned) or [
                t("announce.plan.releases_none", interaction)
            ]
        else:
            lines.append(t("announce.plan.releases_off", interaction))
        embed = discord.Embed(
            title=say("announce.plan.title", interaction, title=timing.title)[:256],
            description="\n".join(lines)[:4000],
        )
        channel_id = channel.id if channel else None
        user_id = interaction.user.id

        async def confirm(click: discord.Interaction) -> str:
            count = await announcer.enable_plan(
                self.bot, guild_of(click), slug,
                channel_id=channel_id, user_id=user_id, releases=episodes,
            )  # fmt: skip
            count += await releases.replan_releases(self.bot, guild_of(click), slug)
            return say("announce.plan.enabled", click, count=count, title=timing.title)

        await interaction.response.send_message(
            embed=embed, view=ConfirmView(user_id, confirm), ephemeral=True
        )

    @announce.command(name=_("add"), description=_("Schedule your own announcement"))
    @app_commands.describe(
        show=_("The show"),
        when=_("When: 2022-03-23 18:00 KST, in 3h, D-1, H-1 or ISO-8601"),
        text=_("What to announce"),
        channel=_("Where (default: the announcement channel)"),
        ping=_("Ping the notify role"),
    )
    @moderator_only()
    async def add(
        self,
        interaction: Interaction,
        show: ShowOption,
        when: str,
        text: str,
        channel: discord.TextChannel | None = None,
        ping: bool = False,
    ) -> None:
        """Preview the instant (three ways) with Confirm / Cancel; nothing saved before."""
        slug = await chosen_slug(interaction, show)
        timing = await _timing(interaction, slug)
        text = text.strip()
        if not text:
            raise UserFacingError("announce.add.empty")
        if len(text) > MAX_TEXT:
            raise UserFacingError("announce.add.too_long", limit=MAX_TEXT)
        settings = await get_settings(self.bot.db, guild_of(interaction))
        now = self.bot.clock.timestamp()
        # A time that cannot be read raises TimeExprError: the tree answers it.
        due = parse_when(when, now=now, guild_tz=settings.timezone, premiere=timing.premiere)
        check_window(due, now=now)
        channel_id = channel.id if channel else None
        preview = say(
            "announce.add.preview",
            interaction,
            when=Markup(render.instant(due)),
            title=timing.title,
            # Shown as it will be sent (the moderator's own markdown), bounded.
            text=Markup(text[:1000]),
            channel=Markup(f"<#{channel_id or settings.announce_channel_id or 0}>"),
        )

        async def confirm(click: discord.Interaction) -> str:
            if due <= self.bot.clock.timestamp():
                raise UserFacingError("announce.add.expired")
            timer_id = await announcer.add_custom(
                self.bot,
                guild_of(click),
                show=slug,
                due=due,
                text=text,
                channel_id=channel_id,
                ping=ping,
            )
            return t("announce.add.saved", click, id=timer_id, when=f"<t:{due}:F>")

        await interaction.response.send_message(
            preview,
            view=ConfirmView(interaction.user.id, confirm),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _ledger(
        self, interaction: Interaction, show: ChosenShow | None, statuses, newest: bool
    ):
        timers = await self.bot.scheduler.list(
            guild_id=guild_of(interaction),
            kinds=announcer.KINDS,
            statuses=statuses,
            newest_first=newest,
            limit=200,
        )
        if show is not None:
            timers = [tm for tm in timers if tm.payload.get("show") == show.slug]
        return [render.ledger_line(interaction, tm) for tm in timers]

    @announce.command(name=_("list"), description=_("Announcements still to come"))
    @app_commands.describe(show=_("Only this show"))
    @moderator_only()
    async def list_(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """Pending announcements, soonest first."""
        lines = await self._ledger(interaction, show, ["pending", "running"], newest=False)
        embed = render.ledger_embed(
            t("announce.list.title", interaction), lines, t("announce.list.empty", interaction)
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @announce.command(
        name=_("log"), description=_("Announcements sent, failed, missed or cancelled")
    )
    @app_commands.describe(show=_("Only this show"))
    @moderator_only()
    async def log(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """Finished announcements, newest first, with links, lateness and reasons."""
        lines = await self._ledger(
            interaction, show, ["sent", "failed", "missed", "cancelled"], newest=True
        )
        embed = render.ledger_embed(
            t("announce.log.title", interaction), lines, t("announce.log.empty", interaction)
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @announce.command(name=_("cancel"), description=_("Cancel a planned announcement"))
    @app_commands.describe(id=_("The number shown by /announce list"))
    @moderator_only()
    async def cancel(self, interaction: Interaction, id: app_commands.Range[int, 1]) -> None:
        """Cancel one pending announcement of this guild."""
        timer = await timer_store.get_by_id(self.bot.db, guild_of(interaction), id)
        if timer is None or timer.kind not in announcer.KINDS:
            raise UserFacingError("announce.cancel.unknown", id=id)
        await defer_before_write(interaction)
        done = await self.bot.scheduler.cancel(
            guild_id=guild_of(interaction),
            key=timer.key,
            reason=f"cancelled by {interaction.user.id}",
        )
        if not done:
            raise UserFacingError("announce.cancel.not_pending", id=id, status=timer.status)
        await answer(interaction, t("announce.cancel.done", interaction, id=id))

    @announce.command(
        name=_("event"), description=_("Create or update the Discord event for a premiere")
    )
    @app_commands.describe(show=_("The show"))
    @moderator_only()
    async def event(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """One Guild Scheduled Event per show: created once, updated after."""
        slug = await chosen_slug(interaction, show)
        timing = await _timing(interaction, slug)
        premiere = timing.premiere
        if premiere is None or premiere.precision.value != "minute":
            raise UserFacingError("announce.event.needs_minute", title=timing.title)
        if premiere.at <= self.bot.clock.timestamp():
            raise UserFacingError("announce.event.past", title=timing.title)
        await interaction.response.defer(ephemeral=True)
        guild = interaction.guild
        if guild is None:
            raise app_commands.NoPrivateMessage
        start = premiere.utc
        event, created = await events.upsert_premiere_event(
            self.bot,
            guild,
            slug,
            name=timing.title[:100],
            start=start,
            end_time=start + timedelta(hours=1),
            location=(timing.platform or "TBA")[:100],
            description=t(
                "announce.event.description", "en", title=timing.title, when=korea_text(premiere.at)
            ),
        )
        key = "announce.event.created" if created else "announce.event.updated"
        await answer(interaction, say(key, interaction, title=timing.title, url=Markup(event.url)))

    @app_commands.command(
        name=_("countdown"), description=_("How long until the next premiere or episode")
    )
    @app_commands.describe(show=_("The show"))
    @app_commands.guild_only()
    async def countdown(self, interaction: Interaction, show: ShowOption | None = None) -> None:
        """The next milestone as live timestamps."""
        slug = await chosen_slug(interaction, show)
        timing = await _timing(interaction, slug)
        now = self.bot.clock.timestamp()
        if timing.premiere is None:
            raise UserFacingError("announce.no_premiere", title=timing.title)
        episodes = await store.episode_releases(self.bot.db, guild_of(interaction), slug)
        found = milestones(timing.premiere, episodes, now)
        text = render.countdown_text(interaction, timing.title, timing.premiere, found, now)
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @app_commands.command(
        name=_("notify"), description=_("Get (or stop getting) pinged for announcements")
    )
    @app_commands.describe(
        show=_("Follow this show: only its announcements ping you"),
        all_shows=_("Every show's announcements (the server's notify role)"),
        stop=_("True to stop being pinged"),
    )
    @app_commands.guild_only()
    async def notify(
        self,
        interaction: Interaction,
        show: ShowOption | None = None,
        all_shows: bool = False,
        stop: bool = False,
    ) -> None:
        """Follow a show (or stop); with nothing chosen, list what the member follows.

        Every choice is an intent (on, or ``stop``), never a toggle: a retry changes nothing.
        """
        if show is not None:
            await follow_show(interaction, show.slug, on=not stop)
        elif all_shows or stop:
            await set_notify(interaction, on=not stop)
        else:
            await list_follows(interaction)
