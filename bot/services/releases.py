"""Episode release announcements: "Soundtrack #1 — Episode 3 is out on Disney+".

One timer per announcement (kind ``announce.release``, key ``release:<show>:<n>`` or
``release:<show>:<n>+<m>`` for a combined double drop) through the same scheduler as
the countdown: sent exactly once with the timer's nonce, inside the catch-up window or
marked missed, re-planned when a release moves or episodes come or go. They are part of
a show's confirmed countdown plan when the moderator left them on.

The announcement links the episode's discussion. Both are due at the same instant
(release + watchable delay), so whichever runs first, the link gets there: the
announcement links a discussion already open, and a discussion opening after the
announcement was sent edits the link into it (:func:`link_discussions`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.domain.releases import PlannedRelease, episodes_text, plan_releases
from bot.i18n import guild_locale, t
from bot.services import announcer, follows
from bot.services.scheduler import PermanentError, Timer
from bot.store import announce as store
from bot.store.discussions import discussion_links, show_episodes
from bot.store.guilds import get_settings

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

RELEASE = announcer.RELEASE
# Cancelled by a re-plan (not by a moderator): a later re-plan may bring them back.
REPLAN_GONE = "re-planned: no longer due (release moved, episode removed or combined)"
REPLAN_OFF = "re-planned: release announcements are off for this show"
_REVIVABLE = (REPLAN_GONE, REPLAN_OFF)


def release_key(slug: str, planned: PlannedRelease) -> str:
    """The timer key of one release announcement."""
    return f"release:{slug}:{planned.key_part}"


async def preview(bot: KdramaBot, guild_id: int, slug: str) -> list[PlannedRelease]:
    """The show's release announcements as they would be scheduled now (for the preview)."""
    settings = await get_settings(bot.db, guild_id)
    show = await show_episodes(bot.db, guild_id, slug)
    if show is None:
        return []
    done = await _announced(bot, guild_id, slug)
    return plan_releases(
        [(e.number, e.release) for e in show.episodes],
        delay=settings.watchable_delay_seconds,
        combine=settings.combine_double_drops,
        now=bot.clock.timestamp(),
        catchup=settings.catchup_seconds,
        done=done,
    )


async def _announced(bot: KdramaBot, guild_id: int, slug: str) -> set[int]:
    """Episodes whose announcement was sent or is being sent: never planned again."""
    timers = await bot.scheduler.list(
        guild_id=guild_id, kinds=[RELEASE], statuses=("sent", "running"),
        key_prefix=f"release:{slug}:",
    )  # fmt: skip
    return {int(n) for timer in timers for n in timer.payload.get("episodes", ())}


async def replan_releases(bot: KdramaBot, guild_id: int, slug: str) -> int:
    """Bring the show's release announcements in line with its episodes and settings.

    Pending ones move to their new instants; ones with no place any more (an episode
    removed, a release made vaguer or moved beyond the catch-up window, a double drop
    combined or split) are cancelled, never fired; sent ones stay sent. With the plan
    off (or no plan) every pending one is cancelled. Returns how many are pending.
    """
    plan = await store.get_plan(bot.db, guild_id, slug)
    scheduler = bot.scheduler
    existing = {
        timer.key: timer
        for timer in await scheduler.list(
            guild_id=guild_id, kinds=[RELEASE], key_prefix=f"release:{slug}:"
        )
    }
    wanted: dict[str, PlannedRelease] = {}
    if plan is not None and plan.releases:
        for planned in await preview(bot, guild_id, slug):
            if planned.skipped is None:
                wanted[release_key(slug, planned)] = planned
    reason = REPLAN_GONE if plan is not None and plan.releases else REPLAN_OFF
    for key, old in existing.items():
        if old.status == "pending" and key not in wanted:
            await scheduler.cancel(guild_id=guild_id, key=key, reason=reason)
    pending = 0
    for key, planned in wanted.items():
        timer = existing.get(key)
        revivable = (
            timer is None
            or timer.status == "pending"
            or (timer.status == "cancelled" and timer.last_error in _REVIVABLE)
        )
        if not revivable:
            continue  # a moderator cancelled it, or it already went out or failed
        payload = {
            "show": slug,
            "episodes": list(planned.episodes),
            "channel_id": plan.channel_id if plan else None,
            "ping": True,
        }
        await scheduler.schedule(
            guild_id=guild_id, kind=RELEASE, key=key, due=planned.due, payload=payload
        )
        pending += 1
    return pending


async def replan_guild(bot: KdramaBot, guild_id: int) -> None:
    """Re-plan every show of the guild that announces releases (a setting changed)."""
    for slug in await store.plans_with_releases(bot.db, guild_id):
        await replan_releases(bot, guild_id, slug)


def release_text(title: str, platform: str | None, numbers: Sequence[int], locale: str) -> str:
    """The announcement's words. No instant in them: the post itself is the moment, and
    a day-precision release has no hour to name."""
    form = "one" if len(numbers) == 1 else "many"
    where = "on" if platform else "plain"
    joiner = t("announce.release.and", locale)
    return t(
        f"announce.release.{form}_{where}", locale,
        title=title, numbers=episodes_text(numbers, joiner), platform=platform or "",
    )  # fmt: skip


def _with_links(content: str, numbers: Sequence[int], links: dict[int, str], locale: str) -> str:
    """The content with its discussion link(s) appended, one per distinct thread."""
    urls = list(dict.fromkeys(links[n] for n in sorted(numbers) if n in links))
    if not urls:
        return content
    line = t("announce.release.discuss", locale, links=" · ".join(urls))
    return f"{content}\n{line}"[:2000]


async def send_release(bot: KdramaBot, timer: Timer, late: bool) -> str:
    """The scheduler handler: post the announcement; returns ``channel_id/message_id``."""
    payload = timer.payload
    guild_id, slug = timer.guild_id, payload["show"]
    numbers = [int(n) for n in payload["episodes"]]
    settings = await get_settings(bot.db, guild_id)
    locale = guild_locale(bot.get_guild(guild_id))
    channel_id = payload.get("channel_id") or settings.announce_channel_id
    if channel_id is None:
        raise PermanentError(t("announce.error.no_channel", locale))
    channel = await announcer.channel_for(bot, int(channel_id), locale)
    show = await store.show_timing(bot.db, guild_id, slug)
    if show is None:
        raise PermanentError(t("announce.error.show_gone", locale, show=slug))
    content = release_text(show.title, show.platform, numbers, locale)
    roles = await follows.ping_roles(bot, guild_id, slug)
    body, mentions = announcer.with_ping(content, roles, payload.get("ping"))
    if late:
        body += "\n" + t("announce.release.late", locale)
    links = await discussion_links(bot.db, guild_id, slug)
    message = await announcer.send_once(
        bot, channel, timer, _with_links(body, numbers, links, locale), locale,
        allowed_mentions=mentions,
    )  # fmt: skip
    await store.record_release_message(
        bot.db, guild_id, slug, numbers,
        channel_id=message.channel.id, message_id=message.id, content=body,
    )  # fmt: skip
    if all(n in links for n in numbers):
        await store.mark_release_linked(bot.db, guild_id, slug, message.id)
    else:
        # A discussion that opened while this was being sent found no message to edit:
        # look once more now that the message is recorded.
        await link_discussions(bot, guild_id, slug, numbers)
    return f"{message.channel.id}/{message.id}"


async def link_discussions(bot: KdramaBot, guild_id: int, slug: str, numbers: Sequence[int]) -> int:
    """Edit the link to these episodes' discussions into their sent announcements.

    Called when discussions open (and by the sender, for the race where both ran at
    once). Never raises: the announcement is out either way. Returns how many edited.
    """
    edited = 0
    try:
        unlinked = await store.unlinked_release_messages(bot.db, guild_id, slug, list(numbers))
        if not unlinked:
            return 0
        links = await discussion_links(bot.db, guild_id, slug)
        locale = guild_locale(bot.get_guild(guild_id))
        for message_id in dict.fromkeys(m.message_id for m in unlinked):
            row = next(m for m in unlinked if m.message_id == message_id)
            named = await store.release_message_episodes(bot.db, guild_id, slug, message_id)
            if not any(n in links for n in named):
                continue
            _, mentions = announcer.with_ping(
                "", await follows.ping_roles(bot, guild_id, slug), True
            )
            partial = bot.get_partial_messageable(row.channel_id, guild_id=guild_id)
            await partial.get_partial_message(message_id).edit(
                content=_with_links(row.content, named, links, locale), allowed_mentions=mentions
            )
            edited += 1
            if all(n in links for n in named):
                await store.mark_release_linked(bot.db, guild_id, slug, message_id)
    except discord.HTTPException as exc:
        log.warning("guild %s: could not link %s discussions %s: %s", guild_id, slug, numbers, exc)
    return edited


def register(bot: KdramaBot) -> None:
    """Route release announcement timers here (called from the announce cog's cog_load)."""

    async def handler(timer: Timer, late: bool) -> str:
        return await send_release(bot, timer, late)

    async def on_failed(timer: Timer, reason: str) -> None:
        await announcer.announcement_failed(bot, timer, reason)

    bot.scheduler.register(RELEASE, handler, on_failed=on_failed)
