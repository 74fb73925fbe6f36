"""Spoiler care: facts tied to an episode a member has not watched yet stay hidden."""

from __future__ import annotations

ELLIPSIS = "…"  # as bot.domain.card's, which imports this module
BARS = "||"
# Inside the bars, these are the characters that could end the spoiler early: a pipe
# (``|||`` still holds a closing ``||`` after any pairwise replacement), a backtick (a
# code span opened inside would run past the closing bars) and a backslash (one at the
# end escapes the first closing bar, and the whole text then shows in the clear).
_CLOSERS = frozenset("|`\\")


def is_spoiler(episode: int, progress: int) -> bool:
    """Whether a fact about ``episode`` spoils a member who watched up to ``progress``."""
    return episode > progress


def spoiler_body(text: str, limit: int | None = None) -> str:
    """``text`` made safe to stand between spoiler bars, at most ``limit`` characters.

    Every character that could end the spoiler is backslash-escaped, so Discord shows it
    as typed *inside* the bars; a cut never splits an escape and ends in "…".
    """
    pieces = ["\\" + c if c in _CLOSERS else c for c in text]
    size = sum(len(p) for p in pieces)
    if limit is None or size <= limit:
        return "".join(pieces)
    room = max(0, limit - len(ELLIPSIS))
    while pieces and size > room:
        size -= len(pieces.pop())
    return "".join(pieces) + (ELLIPSIS if limit >= len(ELLIPSIS) else "")


def spoiler(text: str, limit: int | None = None) -> str:
    """``text`` behind Discord spoiler bars, the whole at most ``limit`` characters.

    Whatever ``text`` contains, none of it renders outside the bars.
    """
    room = None if limit is None else max(0, limit - 2 * len(BARS))
    return f"{BARS}{spoiler_body(text, room)}{BARS}"


def gate(text: str, episode: int, progress: int, limit: int | None = None) -> str:
    """``text`` as the member may see it: plain if watched, behind bars if not."""
    if is_spoiler(episode, progress):
        return spoiler(text, limit)
    return text


def balanced(text: str) -> str:
    """``text`` with a spoiler left open by a cut closed again at its end.

    A card or message cut to Discord's limits may end between a pair of bars; Discord
    then shows the opening bars literally and the text after them in the clear.
    """
    open_bars = False
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text.startswith(BARS, index):
            open_bars = not open_bars
            index += len(BARS)
        else:
            index += 1
    if not open_bars:
        return text
    if index > len(text):
        text = text[:-1]  # a lone trailing backslash would escape the closing bar
    return text + BARS
