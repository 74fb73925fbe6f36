"""/discussion: the link to an episode's discussion; moderators open, close and reopen."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.domain.echo import Markup
from bot.domain.release import Precision
from bot.i18n import guild_locale, t
from bot.mentions import NO_MENTIONS
from bot.services import discussions as service
from bot.services.modlog import tell_moderators
from bot.store import discussions as store
from bot.store.catalog_io import list_show_slugs
from bot.store.guilds import get_settings
from bot.ui.checks import guild_of, moderator_only
from bot.ui.errors import UserFacingError
from bot.ui.options import ShowOption, chosen_slug
from bot.ui.tree import answer, say

if TYPE_CHECKING:
    from bot.app import Interaction, KdramaBot
    from bot.services.lookup import ChosenShow

log = logging.getLogger(__name__)

SHOW = _("The show (default: the server's default show)")
LATEST = _("The episode number (default: the latest discussion)")
SHOW_ARG = _("The show")
EPISODE_ARG = _("The episode number")


class Discussions(commands.Cog):
    """Episode-discussion threads that open themselves on release."""

    group = app_commands.Group(
        name=_("discussion"), description=_("Episode discussion threads"), guild_only=True
    )

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the opening timer, plan every known guild, check threads after downtime."""
        self.bot.scheduler.register(service.TIMER_KIND, self._on_timer, on_failed=self._on_failed)
        self.bot.spawn(self._start_up(), name="discussions.start_up")

    async def _start_up(self) -> None:
        # Planning checks the bot's permissions in each channel ahead: that needs the
        # guilds cached (before READY a fetched channel has no member for the bot).
        await self.bot.wait_until_ready()
        await service.plan_all(self.bot)
        await service.reopen_after_downtime(self.bot)

    @commands.Cog.listener()
    async def on_guild_seeded(self, guild_id: int) -> None:
        """A guild's catalog was just created: plan its shows' discussions."""
        for slug in await list_show_slugs(self.bot.db, guild_id):
            await service.plan_discussions(self.bot, guild_id, slug)

    @commands.Cog.listener()
    async def on_premiere_changed(self, guild_id: int, show_slug: str) -> None:
        """An episode's release moved, or episodes (or the show) came or went: plan again."""
        await service.plan_discussions(self.bot, guild_id, show_slug)

    @commands.Cog.listener()
    async def on_guild_settings_changed(self, guild_id: int) -> None:
        """The discussion channel or delay may have changed: plan again (upserts, no doubles)."""
        await self.on_guild_seeded(guild_id)

    @commands.Cog.listener()
    async def on_episode_rated(self, guild_id: int, show_slug: str, episode: int) -> None:
        """A member rated an episode: the pinned index shows the new average."""
        await service.refresh_after_rating(self.bot, guild_id, show_slug, episode)

    @commands.Cog.listener()
    async def on_ratings_forgotten(self, guild_id: int, show_slugs: tuple[str, ...]) -> None:
        """A member's ratings were deleted (/privacy forget): the averages may have moved."""
        for slug in show_slugs:
            await service.refresh_after_forget(self.bot, guild_id, slug)

    async def _on_timer(self, timer, late: bool) -> str | None:  # timer: scheduler.Timer
        from bot.services.scheduler import PermanentError

        slug, number = timer.payload["show"], int(timer.payload["episode"])
        # The scheduler starts before READY, and a timer overdue at start-up must not meet
        # a cold cache (a fetched channel then has no guild member for the bot).
        await self.bot.wait_until_ready()
        try:
            opened = await service.open_episodes(self.bot, timer.guild_id, slug, [number])
        except service.DiscussionError as exc:
            # What a human must fix (channel gone, permissions): fail now, with the reason.
            locale = guild_locale(self.bot.get_guild(timer.guild_id))
            raise PermanentError(t(exc.key, locale, **exc.fields)) from exc
        # Any other HTTPException goes to the scheduler, which retries 5xx and fails the rest.
        return service.describe(opened)

    async def _on_failed(self, timer, reason: str) -> None:  # timer: scheduler.Timer
        show = await store.show_episodes(self.bot.db, timer.guild_id, timer.payload["show"])
        await tell_moderators(
            self.bot, timer.guild_id, "discussion.modlog.failed",
            show=show.title if show else timer.payload["show"],
            number=timer.payload["episode"], reason=reason,
        )  # fmt: skip

    @group.command(name=_("link"), description=_("Get the link to an episode's discussion thread"))
    @app_commands.describe(show=SHOW, episode=LATEST)
    async def link(
        self,
        interaction: Interaction,
        show: ShowOption | None = None,
        episode: app_commands.Range[int, 1, 999] | None = None,
    ) -> None:
        """Anyone: the discussion link, or when it will open."""
        slug = await chosen_slug(interaction, show)
        info = await service.load_show(self.bot, guild_of(interaction), slug)
        links = await store.discussion_links(self.bot.db, guild_of(interaction), slug)
        if episode is None:
            if not links:
                raise UserFacingError("discussion.reply.none_yet", show=info.title)
            episode = max(links)
        service.require_episode(info, episode)
        fields = {"show": info.title, "number": episode}
        if episode in links:
            text = say("discussion.reply.link", interaction, link=Markup(links[episode]), **fields)
        else:
            release = info.episode(episode).release  # type: ignore[union-attr]
            settings = await get_settings(self.bot.db, guild_of(interaction))
            if release is not None and release.at_least(Precision.DAY):
                when = f"<t:{release.at + settings.watchable_delay_seconds}:R>"
                text = say("discussion.reply.opens", interaction, when=Markup(when), **fields)
            else:
                text = say("discussion.reply.not_scheduled", interaction, **fields)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name=_("open"), description=_("Open an episode's discussion now (moderators)"))
    @app_commands.describe(show=SHOW_ARG, episode=EPISODE_ARG)
    @moderator_only("manage_threads")
    async def open(
        self, interaction: Interaction, show: ShowOption, episode: app_commands.Range[int, 1, 999]
    ) -> None:
        """Moderators: open (or find) the episode's discussion right now."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        slug = show.slug
        opened = await service.open_episodes(self.bot, guild_of(interaction), slug, [episode])
        result = opened[0]
        # The release timer would only find the thread already open; retire it.
        key = service.timer_key(slug, episode)
        await self.bot.scheduler.cancel(guild_id=guild_of(interaction), key=key)
        info = await service.load_show(self.bot, guild_of(interaction), slug)
        key = "discussion.reply.opened" if result.created else "discussion.reply.already_open"
        text = say(key, interaction, show=info.title, number=episode, link=Markup(result.url))
        await answer(interaction, text)

    @group.command(
        name=_("close"), description=_("Close and lock an episode's discussion (moderators)")
    )
    @app_commands.describe(show=SHOW_ARG, episode=EPISODE_ARG)
    @moderator_only("manage_threads")
    async def close(
        self, interaction: Interaction, show: ShowOption, episode: app_commands.Range[int, 1, 999]
    ) -> None:
        """Moderators: a closing note, then archive and lock."""
        await self._moderate(interaction, show, episode, "discussion.reply.closed")

    @group.command(
        name=_("reopen"), description=_("Reopen a closed episode discussion (moderators)")
    )
    @app_commands.describe(show=SHOW_ARG, episode=EPISODE_ARG)
    @moderator_only("manage_threads")
    async def reopen(
        self, interaction: Interaction, show: ShowOption, episode: app_commands.Range[int, 1, 999]
    ) -> None:
        """Moderators: unlock and unarchive."""
        await self._moderate(interaction, show, episode, "discussion.reply.reopened")

    async def _moderate(
        self, interaction: Interaction, show: ChosenShow, episode: int, reply: str
    ) -> None:
        """Close or reopen (by ``reply``'s key) and tell the moderator where."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        action = service.close_episode if reply.endswith("closed") else service.reopen_episode
        done = await action(self.bot, guild_of(interaction), show.slug, episode)
        info = await service.load_show(self.bot, guild_of(interaction), show.slug)
        text = say(reply, interaction, show=info.title, number=episode, link=Markup(done.jump_url))
        await answer(interaction, text)


async def setup(bot: KdramaBot) -> None:
    """Entry point for ``load_extension``."""
    await bot.add_cog(Discussions(bot))
