"""The words the discussion feature posts: thread names, starter messages, the index."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from datetime import timedelta

import discord

from bot.domain.echo import echo
from bot.domain.ratings import RatingSummary, stars_text
from bot.domain.release import Precision, Release
from bot.domain.spoilers import balanced, spoiler_body
from bot.i18n import t
from bot.store.discussions import EpisodeInfo, ShowEpisodes

THREAD_NAME_LIMIT = 100  # Discord's limit on a thread or forum post name
MESSAGE_LIMIT = 2000
SYNOPSIS_LIMIT = 900
# How long a discussion's poll stays open (Discord allows 1 hour to 32 days): the first
# weekend after a weekly release, without still asking once the next episode is out.
POLL_DURATION = timedelta(hours=48)
POLL_ANSWERS = (("🤩", "loved"), ("🙂", "liked"), ("😐", "okay"), ("🙁", "not_for_me"))


def numbers_text(numbers: Sequence[int]) -> str:
    """``3`` or ``3–4`` or ``1, 3``: the episode numbers a thread covers."""
    ordered = sorted(numbers)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(n) for n in ordered)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def thread_name(show: ShowEpisodes, numbers: Sequence[int], locale: str) -> str:
    """``[Spoilers] Soundtrack #1 — Episode 3 discussion``, `` — Finale`` on the last one.

    The show title is what gets shortened when the name would pass Discord's limit,
    so the episode part (which the exactly-once lookup matches on) always survives.
    """
    key = "discussion.thread_name" if len(numbers) == 1 else "discussion.thread_name_combined"
    suffix = t("discussion.finale_suffix", locale) if show.last_number in numbers else ""
    full = t(key, locale, show=show.title, numbers=numbers_text(numbers)) + suffix
    if len(full) <= THREAD_NAME_LIMIT:
        return full
    room = THREAD_NAME_LIMIT - (len(full) - len(show.title))
    short = _clip(show.title, max(room, 1))
    return _clip(t(key, locale, show=short, numbers=numbers_text(numbers)) + suffix, 100)


def release_text(release: Release | None, locale: str) -> str:
    """A release as precisely as it is known: a live timestamp only at minute precision."""
    if release is None:
        return t("discussion.when.unknown", locale)
    if release.precision is Precision.MINUTE:
        return discord.utils.format_dt(release.utc, "F")
    # A date (or month) is a local calendar fact; a <t:…> would shift it across zones.
    return t("discussion.when.local", locale, date=release.text(), zone=release.tz)


def starter_text(
    show: ShowEpisodes,
    episodes: Sequence[EpisodeInfo],
    earlier: Mapping[int, str],
    locale: str,
) -> str:
    """The first message of a discussion: what it is for, when it aired, where spoilers go."""
    parts: list[str] = []
    for episode in episodes:
        # Titles are echoed: a stray backtick in one could open a code span that runs
        # across the next episode's spoiler bars.
        title = (
            t("discussion.starter.title", locale, title=echo(episode.title))
            if episode.title
            else ""
        )
        heading = t(
            "discussion.starter.heading", locale, show=echo(show.title), number=episode.number
        )
        parts.append(heading + title)
        parts.append(
            t("discussion.starter.released", locale, when=release_text(episode.release, locale))
        )
        if episode.synopsis:
            # The catalog's bars enclose it; nothing inside can end them early.
            synopsis = spoiler_body(episode.synopsis, SYNOPSIS_LIMIT)
            parts.append(t("discussion.starter.synopsis", locale, synopsis=synopsis))
    parts.append(t("discussion.starter.etiquette", locale))
    if earlier:
        items = sorted(earlier.items())
        links = " · ".join(t("discussion.link_item", locale, number=n, link=u) for n, u in items)
        parts.append(t("discussion.starter.earlier", locale, links=links))
    text = "\n".join(parts)
    # Two synopses may not both fit: a cut must not leave the second one's bars open.
    return text if len(text) <= MESSAGE_LIMIT else balanced(_clip(text, MESSAGE_LIMIT - 2))


def index_title(show: ShowEpisodes, locale: str) -> str:
    """The name of the pinned index forum post."""
    return _clip(t("discussion.index.title", locale, show=show.title), THREAD_NAME_LIMIT)


def index_heading(show: ShowEpisodes, locale: str) -> str:
    """The index message's first line (also how the bot recognises its own pinned index)."""
    return t("discussion.index.heading", locale, show=show.title)


def index_text(
    show: ShowEpisodes,
    links: Mapping[int, str],
    delay_seconds: int,
    locale: str,
    rated: Mapping[int, RatingSummary] | None = None,
) -> str:
    """Every episode of the show with its discussion link (and members' average rating,
    once enough rated), or when it opens."""
    lines = [index_heading(show, locale)]
    for episode in show.episodes:
        finale = t("discussion.finale_suffix", locale) if episode.number == show.last_number else ""
        if episode.number in links:
            line = t(
                "discussion.index.line_open", locale, number=episode.number,
                finale=finale, link=links[episode.number],
            )  # fmt: skip
            summary = (rated or {}).get(episode.number)
            if summary is not None and summary.shown:
                line += f" · {stars_text(summary)}"
            lines.append(line)
        elif episode.release is not None:
            opens = _opening(episode.release, delay_seconds, locale)
            lines.append(
                t("discussion.index.line_pending", locale, number=episode.number,
                  finale=finale, when=opens)
            )  # fmt: skip
        else:
            lines.append(
                t("discussion.index.line_unknown", locale, number=episode.number, finale=finale)
            )
    return _clip("\n".join(lines), MESSAGE_LIMIT)


def _opening(release: Release, delay_seconds: int, locale: str) -> str:
    # Opening day and later are relative to each reader ("in 3 days"); a month is not.
    if release.at_least(Precision.DAY):
        return discord.utils.format_dt(release.utc + timedelta(seconds=delay_seconds), "R")
    return release_text(release, locale)


def discussion_poll(numbers: Sequence[int], locale: str) -> discord.Poll:
    """The poll a discussion carries: "How was episode 3?" and four answers."""
    key = "discussion.poll.question" if len(numbers) == 1 else "discussion.poll.question_combined"
    poll = discord.Poll(
        question=_clip(t(key, locale, numbers=numbers_text(numbers)), 300),
        duration=POLL_DURATION,
    )
    for emoji, answer in POLL_ANSWERS:
        poll.add_answer(text=t(f"discussion.poll.{answer}", locale), emoji=emoji)
    return poll


def message_nonce(guild_id: int, slug: str, numbers: Sequence[int], what: str) -> str:
    """A stable nonce (≤ 25 characters) for one discussion's message: discord.py's own
    retry of the same send is then dropped by Discord (``enforce_nonce``)."""
    seed = f"{guild_id}:{slug}:{'+'.join(map(str, sorted(numbers)))}:{what}"
    return f"kd{what[:4]}{zlib.crc32(seed.encode()):08x}"
