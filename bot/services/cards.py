"""Shared rendering for members' replies: releases by precision, sources, embeds.

Cards are built as plain :class:`~bot.domain.card.Card` data (easy to test), fitted to
Discord's limits, and only then turned into a ``discord.Embed``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.card import Card, fit
from bot.domain.release import Precision, Release
from bot.i18n import t
from bot.mentions import NO_MENTIONS
from bot.store.catalog import Reported, SourceRef

if TYPE_CHECKING:
    from bot.app import Interaction

COLOUR = discord.Colour(0xE8A0BF)  # soft pink, the show's poster palette


def format_release(release: Release | None, locale: str) -> str:
    """A release as precisely as it is known, and no more precisely.

    Minute: Discord timestamps (each member sees their own zone, plus "in 3 days");
    day: the date in the show's zone; month or year: says the date was not announced.
    """
    if release is None:
        return t("members.unknown", locale)
    local = release.local
    if release.precision is Precision.MINUTE:
        when = release.utc
        return f"{discord.utils.format_dt(when, 'F')} ({discord.utils.format_dt(when, 'R')})"
    month = t(f"members.month.{local.month}", locale)
    if release.precision is Precision.DAY:
        return t("members.date.day", locale, year=local.year, month=month, day=local.day)
    if release.precision is Precision.MONTH:
        return t("members.date.month", locale, year=local.year, month=month)
    return t("members.date.year", locale, year=local.year)


def sources_text(sources: Iterable[SourceRef]) -> str:
    """ "NME Asia, 2022-02-17; The Korea Herald, 2022-03-24"."""
    return "; ".join(s.label() for s in sources)


def reported_lines(items: Iterable[Reported]) -> str:
    """One line per other spelling: "Seo Eun-soo (NME Asia, 2022-02-17)"."""
    lines = []
    for item in items:
        cited = sources_text(item.sources)
        lines.append(f"{item.value} ({cited})" if cited else item.value)
    return "\n".join(lines)


def footer_sources(sources: Iterable[SourceRef], locale: str) -> str:
    """The footer naming where a card's facts came from."""
    cited = sources_text(sources)
    return t("members.footer.sources", locale, sources=cited) if cited else ""


def role_name(role: str, locale: str) -> str:
    """A credit role in the member's language ("director" → "Director" / "감독")."""
    text = t(f"members.role.{role}", locale)
    return role.replace("_", " ").capitalize() if text.startswith("members.role.") else text


def to_embed(card: Card) -> discord.Embed:
    """The card, fitted inside Discord's limits, as an embed."""
    card = fit(card)
    embed = discord.Embed(
        title=card.title, description=card.description or None, url=card.url, colour=COLOUR
    )
    for field in card.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    if card.image_url:
        embed.set_image(url=card.image_url)
    if card.thumbnail_url:
        embed.set_thumbnail(url=card.thumbnail_url)
    return embed


async def send_card(
    interaction: Interaction,
    card: Card,
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> None:
    """Answer with the card as an embed, mentions off (the text comes from the store)."""
    kwargs: dict[str, Any] = {"embed": to_embed(card), "ephemeral": ephemeral}
    if view is not None:
        kwargs["view"] = view
    await interaction.response.send_message(allowed_mentions=NO_MENTIONS, **kwargs)
