"""Countdown and custom announcements: planning them as timers and sending them.

Timer kinds: ``announce.stage`` (a stage of a show's countdown plan, key
``plan:<show>:<stage>``), ``announce.custom`` (a moderator's own text, key
``custom:<show>:<n>``) and ``announce.release`` (an episode's release, sent by
:mod:`bot.services.releases`). Every send goes through :func:`send_once`: it carries the
timer's nonce (Discord drops a repeat within its nonce window, a few minutes) and the same
nonce in the "Notify me" button's custom_id, a marker Discord keeps; a timer run again
(after a crash, or a retry) first looks for that marker in the channel's recent history,
so a restart long after the nonce window never posts twice. Sends ping only the guild's
notify role and never @everyone.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.countdown import PlannedStage, plan_stages
from bot.domain.release import Precision, Release
from bot.i18n import guild_locale, t
from bot.mentions import NO_MENTIONS, only_roles
from bot.services import follows
from bot.services.modlog import tell_moderators
from bot.services.scheduler import PermanentError, Scheduler, Timer
from bot.store import announce as store
from bot.store.guilds import get_settings

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

STAGE = "announce.stage"
CUSTOM = "announce.custom"
RELEASE = "announce.release"
KINDS = (STAGE, CUSTOM, RELEASE)
NOTIFY_CUSTOM_ID = "kdrama:notify"
# Every custom_id :func:`notify_custom_id` makes: ``kdrama:notify[:<marker>][/<show>]``.
NOTIFY_TEMPLATE = r"kdrama:notify(?::(?P<marker>[0-9a-z.]+))?(?:/(?P<show>[0-9a-z-]+))?"
# Stages a re-plan cancelled because they fell in the past come back if the date moves again.
REPLAN_PAST = "re-planned: now in the past"
REPLAN_PRECISION = "re-planned: premiere not precise enough"


def stage_key(slug: str, stage: str) -> str:
    """The timer key of a plan stage."""
    return f"plan:{slug}:{stage}"


# How far back in a channel a re-run looks for its own earlier send.
HISTORY_LOOKBACK = 100


def notify_custom_id(marker: str | None = None, show: str | None = None) -> str:
    """The "Notify me" button's custom_id, carrying ``marker`` (a timer's nonce) and the
    show whose followers the button adds the member to, when given.

    ``kdrama:notify:<marker>/<show>``; a show slug too long for Discord's 100 characters
    is left out (the button then gives the server-wide notify role).
    """
    custom_id = NOTIFY_CUSTOM_ID if marker is None else f"{NOTIFY_CUSTOM_ID}:{marker}"
    if show and len(custom_id) + 1 + len(show) <= 100:
        custom_id += f"/{show}"
    return custom_id


def notify_button(
    locale: str = "en", *, marker: str | None = None, show: str | None = None
) -> discord.ui.Button[Any]:
    """The "Notify me" button: the one definition of its look and custom_id.

    Announcements carry it (``marker`` is how a re-run recognises its own earlier send);
    the announce cog's persistent ``NotifyMe`` item wraps the same button and takes
    presses on any custom_id :data:`NOTIFY_TEMPLATE` matches, across restarts.
    """
    return discord.ui.Button(
        label=t("announce.notify_button", locale),
        emoji="🔔",
        style=discord.ButtonStyle.secondary,
        custom_id=notify_custom_id(marker, show),
    )


def notify_view(locale: str, *, marker: str, show: str | None) -> discord.ui.View:
    """An announcement's view: just the "Notify me" button, never timing out."""
    view = discord.ui.View(timeout=None)
    view.add_item(notify_button(locale, marker=marker, show=show))
    return view


async def find_sent(
    channel: discord.abc.Messageable, me: int, marker: str, show: str | None = None
) -> discord.Message | None:
    """The bot's message in ``channel``'s recent history carrying ``marker``, if any.

    Unreadable history counts as not found (the nonce still guards a quick re-run).
    """
    wanted = notify_custom_id(marker, show)
    try:
        async for message in channel.history(limit=HISTORY_LOOKBACK):
            if message.author.id != me:
                continue
            for row in message.components:
                for item in getattr(row, "children", ()):
                    if getattr(item, "custom_id", None) == wanted:
                        return message
    except discord.Forbidden:
        log.info("cannot read the history of %s; relying on the nonce", channel)
    return None


async def send_once(
    bot: KdramaBot,
    channel: discord.abc.Messageable,
    timer: Timer,
    content: str,
    locale: str,
    **kwargs: Any,
) -> discord.Message:
    """Send a timer's message with its nonce and marker; a re-run adopts an earlier send.

    ``timer.attempts`` above one means an earlier run may have reached Discord (a crash
    between Discord's answer and the outcome's commit, a lost answer): look first.
    """
    show = timer.payload.get("show")
    if timer.attempts > 1 and bot.user is not None:  # logged in whenever timers fire
        earlier = await find_sent(channel, bot.user.id, timer.nonce, show)
        if earlier is not None:
            log.info("timer %s was already sent as %s; not sending again", timer.key, earlier.id)
            return earlier
    return await channel.send(
        content,
        nonce=timer.nonce,
        view=notify_view(locale, marker=timer.nonce, show=show),
        **kwargs,
    )


def _scheduler(bot: KdramaBot) -> Scheduler:
    return bot.scheduler


async def plan_preview(
    bot: KdramaBot, guild_id: int, slug: str
) -> tuple[store.ShowTiming, list[PlannedStage]]:
    """The show and its default plan as it would be scheduled now."""
    show = await store.show_timing(bot.db, guild_id, slug)
    if show is None:
        raise LookupError(slug)
    stages = [] if show.premiere is None else plan_stages(show.premiere, bot.clock.timestamp())
    return show, stages


async def enable_plan(
    bot: KdramaBot,
    guild_id: int,
    slug: str,
    *,
    channel_id: int | None,
    user_id: int,
    releases: bool,
) -> int:
    """Confirm a show's countdown plan and schedule its stages; returns how many are pending.

    ``releases`` says whether the plan also announces each episode's release (those
    are scheduled by :func:`bot.services.releases.replan_releases`).
    """
    plan = store.Plan(guild_id, slug, channel_id, releases)
    await store.save_plan(bot.db, plan, created_by=user_id, now=bot.clock.timestamp())
    return await replan_show(bot, guild_id, slug)


async def replan_show(bot: KdramaBot, guild_id: int, show_slug: str) -> int:
    """Bring a confirmed plan in line with the show's current premiere.

    Pending stages move to their new instants; stages now in the past, or needing more
    precision than the premiere has, are cancelled (never fired); sent stages stay sent.
    Call it after editing a premiere. Returns how many stages are pending afterwards.
    """
    plan = await store.get_plan(bot.db, guild_id, show_slug)
    if plan is None:
        return 0
    scheduler = _scheduler(bot)
    show = await store.show_timing(bot.db, guild_id, show_slug)
    stages = (
        []
        if show is None or show.premiere is None
        else plan_stages(show.premiere, bot.clock.timestamp())
    )
    wanted = {s.name: s for s in stages}
    existing = {
        timer.key: timer
        for timer in await scheduler.list(
            guild_id=guild_id, kinds=[STAGE], key_prefix=f"plan:{show_slug}:"
        )
    }
    pending = 0
    for key, old in existing.items():
        stage = old.payload.get("stage")
        if old.status == "pending" and (stage not in wanted or wanted[stage].skipped):
            why = (
                REPLAN_PAST
                if stage in wanted and wanted[stage].skipped == "past"
                else REPLAN_PRECISION
            )
            await scheduler.cancel(guild_id=guild_id, key=key, reason=why)
    for stage in stages:
        key = stage_key(show_slug, stage.name)
        timer = existing.get(key)
        revivable = (
            timer is None
            or timer.status == "pending"
            or (timer.status == "cancelled" and timer.last_error in (REPLAN_PAST, REPLAN_PRECISION))
        )
        if stage.skipped or not revivable:
            continue
        payload = {
            "show": show_slug,
            "stage": stage.name,
            "minor": stage.minor,
            "channel_id": plan.channel_id,
            "ping": True,
        }
        await scheduler.schedule(
            guild_id=guild_id, kind=STAGE, key=key, due=stage.due, payload=payload
        )
        pending += 1
    return pending


async def add_custom(
    bot: KdramaBot,
    guild_id: int,
    *,
    show: str,
    due: int,
    text: str,
    channel_id: int | None,
    ping: bool,
) -> int:
    """Schedule a moderator's own announcement; returns the timer id.

    The key is the announcement itself (show, instant, channel, text): a second Confirm,
    or the same announcement added again, finds the timer already there instead of
    scheduling a second one.
    """
    digest = hashlib.sha256(f"{channel_id}\n{ping}\n{text}".encode()).hexdigest()[:16]
    key = f"custom:{show}:{due}:{digest}"
    payload = {"show": show, "text": text, "channel_id": channel_id, "ping": ping, "minor": False}
    return await _scheduler(bot).schedule(
        guild_id=guild_id, kind=CUSTOM, key=key, due=due, payload=payload
    )


def _stage_text(show: store.ShowTiming, premiere: Release, stage: str, locale: str) -> str:
    at = premiere.at
    fields = {"title": show.title, "full": f"<t:{at}:F>", "rel": f"<t:{at}:R>"}
    if premiere.precision is Precision.DAY:  # only the day is known: claim no hour
        fields["full"] = f"<t:{at}:D>"
    if not show.platform:  # a show with no known platform is announced without one
        return t(f"announce.stage_plain.{stage}", locale, **fields)
    return t(f"announce.stage.{stage}", locale, platform=show.platform, **fields)


def with_ping(
    body: str, role_ids: Sequence[int], ping: object
) -> tuple[str, discord.AllowedMentions]:
    """The body with the roles' mentions in front, and mentions allowing only those roles."""
    if not ping or not role_ids:
        return body, NO_MENTIONS
    return " ".join(f"<@&{role_id}>" for role_id in role_ids) + f" {body}", only_roles(role_ids)


async def channel_for(bot: KdramaBot, channel_id: int, locale: str) -> discord.abc.Messageable:
    """The channel an announcement goes to, or a permanent failure saying why not."""
    channel = bot.get_channel(channel_id)
    if channel is None:
        channel = await bot.fetch_channel(channel_id)  # NotFound: a permanent failure
    if not isinstance(channel, discord.abc.Messageable):
        raise PermanentError(t("announce.error.not_messageable", locale, channel=channel_id))
    return channel


async def send_announcement(bot: KdramaBot, timer: Timer, late: bool) -> str:
    """The scheduler handler for both kinds; returns ``channel_id/message_id``."""
    payload = timer.payload
    settings = await get_settings(bot.db, timer.guild_id)
    # The channel's readers (and the moderators told of a failure) read the server's
    # language: a Korean server gets the countdown in Korean.
    locale = guild_locale(bot.get_guild(timer.guild_id))
    channel_id = payload.get("channel_id") or settings.announce_channel_id
    if channel_id is None:
        raise PermanentError(t("announce.error.no_channel", locale))
    channel = await channel_for(bot, int(channel_id), locale)
    if timer.kind == STAGE:
        show = await store.show_timing(bot.db, timer.guild_id, payload["show"])
        if show is None or show.premiere is None:
            raise PermanentError(t("announce.error.show_gone", locale, show=payload["show"]))
        body = _stage_text(show, show.premiere, payload["stage"], locale)
    else:
        body = payload["text"]
    roles = await follows.ping_roles(bot, timer.guild_id, payload.get("show"))
    body, mentions = with_ping(body, roles, payload.get("ping"))
    if late:
        body += "\n" + t("announce.late_note", locale, due=f"<t:{timer.due}:R>")
    message = await send_once(
        bot, channel, timer, body[:2000], locale,
        allowed_mentions=mentions, silent=bool(payload.get("minor")),
    )  # fmt: skip
    return f"{message.channel.id}/{message.id}"


async def waiting_for_channel(bot: KdramaBot, guild_id: int) -> list[Timer]:
    """Pending announcements that will post in the guild's announcement channel setting
    (not in a channel of their own), soonest first."""
    pending = await _scheduler(bot).list(guild_id=guild_id, kinds=KINDS, statuses=("pending",))
    return [timer for timer in pending if not timer.payload.get("channel_id")]


async def announcement_failed(bot: KdramaBot, timer: Timer, reason: str) -> None:
    """Tell the guild's moderators that an announcement could not be sent."""
    locale = guild_locale(bot.get_guild(timer.guild_id))
    if "episodes" in timer.payload:
        numbers = ", ".join(str(n) for n in timer.payload["episodes"])
        what = t("announce.release_label", locale, numbers=numbers)
    else:
        what = timer.payload.get("stage") or t("announce.custom_label", locale)
    await tell_moderators(
        bot, timer.guild_id, "announce.failed_modlog",
        id=timer.id, what=what, show=timer.payload.get("show", "?"), reason=reason,
    )  # fmt: skip


def register(bot: KdramaBot) -> None:
    """Route announcement timers to this module (called from the cog's cog_load)."""

    async def handler(timer: Timer, late: bool) -> str:
        return await send_announcement(bot, timer, late)

    async def on_failed(timer: Timer, reason: str) -> None:
        await announcement_failed(bot, timer, reason)

    for kind in (STAGE, CUSTOM):
        _scheduler(bot).register(kind, handler, on_failed=on_failed)
