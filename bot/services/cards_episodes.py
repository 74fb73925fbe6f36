"""Cards about what happens and when: /plot, /episodes, /trailer, /search."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.card import FIELD_VALUE, Card, Field, shorten
from bot.domain.echo import echo
from bot.domain.ratings import RatingSummary, stars_text
from bot.domain.spoilers import gate, is_spoiler
from bot.i18n import t
from bot.services.cards import format_release
from bot.store.catalog import EpisodeInfo, MediaInfo, ShowInfo
from bot.store.search import Hit

# Room kept inside a field for the release line, link and spoiler bars around a synopsis.
_SYNOPSIS_ROOM = FIELD_VALUE - 200


def _spoiler_note(episodes: list[EpisodeInfo], progress: int, locale: str) -> str:
    hidden = any(e.synopsis and is_spoiler(e.number, progress) for e in episodes)
    return t("members.spoiler.note", locale, episode=progress) if hidden else ""


def plot_card(show: ShowInfo, episodes: list[EpisodeInfo], progress: int, locale: str) -> Card:
    """The premise, then each episode's synopsis (past the member's progress: spoilered)."""
    premise = show.synopsis or show.logline or t("members.plot.none", locale)
    fields = tuple(
        Field(
            t("members.episode.name", locale, number=e.number),
            gate(shorten(e.synopsis, _SYNOPSIS_ROOM), e.number, progress, _SYNOPSIS_ROOM),
        )
        for e in episodes
        if e.synopsis
    )
    return Card(
        title=t("members.plot.title", locale, show=show.title),
        description=premise,
        fields=fields,
        footer=_spoiler_note(episodes, progress, locale),
    )


def episode_plot_card(show: ShowInfo, episode: EpisodeInfo, progress: int, locale: str) -> Card:
    """One episode's synopsis, gated by the member's progress."""
    if episode.synopsis:
        body = gate(shorten(episode.synopsis, 4000), episode.number, progress, 4000)
    else:
        body = t("members.plot.no_synopsis", locale)
    footer = _spoiler_note([episode], progress, locale)
    title = t("members.episode.name", locale, number=episode.number)
    if episode.title:
        title = f"{title}: {episode.title}"
    return Card(title=f"{show.title} · {title}", description=body, footer=footer)


def episodes_card(
    show: ShowInfo,
    episodes: list[EpisodeInfo],
    progress: int,
    locale: str,
    links: Mapping[int, str] | None = None,
    rated: Mapping[int, RatingSummary] | None = None,
) -> Card:
    """Every episode with its release by precision, its discussion link when there is one
    (``links``: episode number → URL, filled in by the discussions feature), its members'
    average rating once enough rated (``rated``) and its synopsis, gated by the member's
    progress."""
    fields = []
    for e in episodes:
        name = t("members.episode.name", locale, number=e.number)
        if e.title:
            name = f"{name}: {e.title}"
        lines = [format_release(e.release, locale)]
        if links and e.number in links:
            lines.append(t("members.episode.discussion", locale, url=links[e.number]))
        if rated and e.number in rated and rated[e.number].shown:
            lines.append(t("members.episode.rating", locale, stars=stars_text(rated[e.number])))
        if e.synopsis:
            lines.append(
                gate(shorten(e.synopsis, _SYNOPSIS_ROOM), e.number, progress, _SYNOPSIS_ROOM)
            )
        fields.append(Field(name, "\n".join(lines)))
    description = "" if episodes else t("members.episodes.none", locale)
    return Card(
        title=t("members.episodes.title", locale, show=show.title),
        description=description,
        fields=tuple(fields),
        footer=_spoiler_note(episodes, progress, locale),
    )


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def trailer_card(show: ShowInfo, media: list[MediaInfo], locale: str) -> Card:
    """Each trailer and teaser (date, length, what it shows, quotes, link) and the poster."""
    fields = []
    poster_url = show.poster_url
    for m in media:
        kind = t(f"members.media.{m.kind}", locale)
        lines = []
        facts = []
        if m.released:
            facts.append(t("members.media.released", locale, date=m.released))
        if m.duration_seconds:
            facts.append(t("members.media.length", locale, length=_duration(m.duration_seconds)))
        if facts:
            lines.append(" · ".join(facts))
        if m.description:
            lines.append(m.description)
        lines += [f"> “{q.text}” — {q.speaker}" for q in m.quotes]
        if m.url:
            lines.append(t("members.media.watch", locale, url=m.url))
        if m.kind == "poster" and m.url and poster_url is None:
            poster_url = m.url
        fields.append(Field(f"{kind}: {m.title}" if m.title else kind, "\n".join(lines) or "—"))
    description = "" if media else t("members.trailer.none", locale)
    return Card(
        title=t("members.trailer.title", locale, show=show.title),
        description=description,
        fields=tuple(fields),
        image_url=poster_url,
    )


_KIND_ORDER = ("show", "person", "character", "episode")


def search_card(query: str, hits: list[Hit], locale: str) -> Card:
    """What matched a /search, grouped: shows, people, characters, episodes."""
    fields = []
    for kind in _KIND_ORDER:
        lines = []
        for hit in (h for h in hits if h.kind == kind):
            line = f"**{hit.label}**"
            if hit.via_alias:
                line += " " + t("members.search.via", locale, name=hit.name)
            lines.append(line)
        if lines:
            fields.append(Field(t(f"members.search.{kind}", locale), "\n".join(lines)))
    # The member's own words, quoted: bounded and inert (echo), like every reply's quote.
    title = t("members.search.title", locale, query=echo(query))
    return Card(title=title, fields=tuple(fields))
