"""Text a reply repeats from a user or from stored data, made harmless and bounded.

A reply that quotes what someone typed must not grow past Discord's limits (a 6,000
character option quoted whole makes the reply itself fail with ``400 50035``), must not
render the quote as markdown, links, mentions or timestamps, and must not carry control
characters (a newline splits a line, a right-to-left override reorders the sentence).
:func:`echo` is the one place that does all three; :func:`fit_content` bounds a whole
message's text; :func:`plain` undoes the escapes for a terminal.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.card import ELLIPSIS, shorten

# Discord's limit on a message's content.
CONTENT = 2000
# How much of one typed value a reply quotes by default: enough to recognise it.
ECHO = 100
# Characters Discord's markdown reads anywhere in a line; a backslash makes each literal.
# ``<`` covers mentions, channels, timestamps and custom emoji; ``[`` masked links.
_MARKDOWN = frozenset("\\*_~|`[]<")
# Characters that mean something only at the start of a line (quote, heading, list).
_LINE_START = frozenset(">#-")
# Bidirectional controls reorder the text around them; they only ever spoof a quote.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MENTION_WORDS = ("everyone", "here")
# One escape pair as _piece writes it: a backslash and the character it makes literal.
_ESCAPED = re.compile(r"\\([" + re.escape("".join(sorted(_MARKDOWN))) + "])")


class Markup(str):
    """Text the bot composed itself (a mention, a link, a Discord timestamp, a sentence
    whose quoted values already went through :func:`echo`): shown as it is."""


def _piece(char: str) -> str:
    """One character of a quote as it is sent: escaped, replaced or dropped."""
    if char in _MARKDOWN:
        return "\\" + char
    if char in _BIDI:
        return ""
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        # Newlines, tabs, NUL, DEL, C1 controls, line/paragraph separators: one space.
        return " "
    if category == "Cs":
        return "\ufffd"  # a lone surrogate cannot be encoded as UTF-8 at all
    return char


def neutral(value: object) -> str:
    """``value`` as text with markdown, mentions and control characters made harmless."""
    return echo(value, limit=None)


def echo(value: object, limit: int | None = ECHO) -> str:
    """``value`` quoted safely: at most ``limit`` characters as sent, ending in "…" if cut.

    Markdown characters are backslash-escaped (``<@123>``, ``<t:0>``, ``[x](y)``, ``||``
    show as typed), ``@everyone``/``@here`` get a zero-width break, control characters
    become spaces and bidi overrides are dropped. Time is linear in ``limit``, not in the
    length of ``value``: it stops reading once the quote is full.
    """
    if isinstance(value, Markup):
        return value  # the bot's own words; the whole message is bounded when it is sent
    if isinstance(value, int | float):
        return str(value)  # numbers are the bot's own formatting, never markup
    text = str(value)
    pieces: list[str] = []
    size = 0
    for index, char in enumerate(text):
        piece = _piece(char)
        if char == "@" and text.startswith(_MENTION_WORDS, index + 1):
            piece = "@\u200b"
        elif index == 0 and char in _LINE_START:
            # Control characters become spaces, so this is the only line start a quote has.
            piece = "\u200b" + char
        pieces.append(piece)
        size += len(piece)
        if limit is not None and size > limit:
            break
    else:
        return "".join(pieces)
    # Too long: keep whole pieces (never half an escape) and leave room for the ellipsis.
    room = max(0, (limit or 0) - len(ELLIPSIS))
    while pieces and size > room:
        size -= len(pieces.pop())
    return "".join(pieces).rstrip() + ELLIPSIS if (limit or 0) >= len(ELLIPSIS) else ""


def quote(value: object, limit: int = 60) -> str:
    """``value`` echoed between typographic quotes: what a parser's message says instead
    of ``repr`` (which grows fourfold on control characters and renders as markdown)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return f"“{echo(value, limit)}”"


def plain(text: str) -> str:
    """Text meant for Discord (quotes made by :func:`echo`) as a terminal should print it.

    Undoes the backslash escapes and the zero-width breaks before ``everyone``/``here``
    and a line start. Control characters other than newlines become spaces and bidi
    controls go, as in :func:`echo` (a terminal obeys an escape sequence); a cut stays
    cut. ``plain(echo(value, None))`` is ``value`` with its control characters as spaces.
    """
    text = "".join(char if char == "\n" or char in _MARKDOWN else _piece(char) for char in text)
    text = _ESCAPED.sub(r"\1", text)
    for word in _MENTION_WORDS:
        text = text.replace("@\u200b" + word, "@" + word)
    for char in _LINE_START:
        text = text.replace("\u200b" + char, char)
    return text


def fit_content(text: str, limit: int = CONTENT) -> str:
    """A whole message's text cut to Discord's content limit, with "…" if it was longer."""
    return shorten(text, limit)
