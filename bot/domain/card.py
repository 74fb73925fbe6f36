"""A card (an embed's content) as plain data, fitted inside Discord's limits.

Discord refuses an embed with a title over 256 characters, a description over 4,096, a
field name over 256 or value over 1,024, more than 25 fields, a footer over 2,048 or more
than 6,000 characters in all. ``fit`` shortens a card cleanly with "…" instead of
letting the send fail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain.spoilers import BARS, balanced

ELLIPSIS = "…"
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
TOTAL = 6000
# A footer (sources) shrinks to this before the content itself does.
FOOTER_SQUEEZED = 200


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word break where one is near."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    # Prefer a word break in the last fifth, so we don't end mid-word ("Eun-so…").
    space = cut.rfind(" ", int(limit * 0.8))
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\n") + ELLIPSIS


def _cut(text: str, limit: int) -> str:
    """:func:`shorten`, closing a spoiler the cut left open (its hidden text stays hidden)."""
    if len(text) <= limit:
        return text
    return balanced(shorten(text, limit - len(BARS)))


@dataclass(frozen=True, slots=True)
class Field:
    """One embed field."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """What an embed shows, before it is fitted and turned into a discord.Embed."""

    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""
    url: str | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None

    def size(self) -> int:
        """Characters Discord counts toward the 6,000 total."""
        fields = sum(len(f.name) + len(f.value) for f in self.fields)
        return len(self.title) + len(self.description) + fields + len(self.footer)


def fit(card: Card) -> Card:
    """The card shortened (never failing) until every Discord limit holds."""
    fields = tuple(
        Field(
            shorten(f.name.strip(), FIELD_NAME) or "\u200b",
            _cut(f.value.strip(), FIELD_VALUE) or "—",
            f.inline,
        )
        for f in card.fields
    )
    if len(fields) > FIELDS:
        more = len(fields) - (FIELDS - 1)
        fields = (*fields[: FIELDS - 1], Field(ELLIPSIS, f"+{more}"))
    card = replace(
        card,
        title=shorten(card.title, TITLE),
        description=_cut(card.description, DESCRIPTION),
        fields=fields,
        footer=shorten(card.footer, FOOTER),
    )
    excess = card.size() - TOTAL
    if excess > 0 and len(card.footer) > FOOTER_SQUEEZED:
        keep = max(FOOTER_SQUEEZED, len(card.footer) - excess)
        card = replace(card, footer=shorten(card.footer, keep))
        excess = card.size() - TOTAL
    if excess > 0 and card.description:
        # The description keeps at least half the room; fields give up the rest.
        room = TOTAL - len(card.title) - len(card.footer)
        keep = max(len(card.description) - excess, min(len(card.description), room // 2))
        card = replace(card, description=_cut(card.description, keep))
        excess = card.size() - TOTAL
    while excess > 0 and card.fields:
        last = card.fields[-1]
        room = len(last.value) - excess
        if room >= 20:
            trimmed = Field(last.name, _cut(last.value, room), last.inline)
            card = replace(card, fields=(*card.fields[:-1], trimmed))
        else:
            card = replace(card, fields=card.fields[:-1])
        excess = card.size() - TOTAL
    return card
