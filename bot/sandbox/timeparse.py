"""The sandbox's time language: ``advance 7d``, ``advance-to 2022-03-23 17:00 KST``, ``now``.

Pure: text and "now" in, a command or one clear error line out. The terminal prompt
(``bot.sandbox.prompt``) and the page's ``/sandbox-time`` both read time through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain import timeexpr
from bot.domain.timeexpr import DEFAULT_ZONE, TimeExprError

KST = timeexpr.zone(DEFAULT_ZONE)
# SimCord walks through every due timer on the way; a year is plenty for any tour.
MAX_ADVANCE = timedelta(days=366)
# A date with no time: the sandbox goes to that day's midnight in Korea.
_DATE_ALONE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}", re.ASCII)

HELP = """\
commands (time only moves forward; SimCord's clock cannot go back):
  advance 7d            move time forward (units w d h m s; e.g. 2d 4h, 90m)
  advance-to 2022-03-23 17:00 KST
                        move time to an instant (KST, UTC, an IANA zone like Asia/Seoul,
                        or +09:00; no zone means Korea time)
  now                   the bot's current time
  help                  this list
  quit                  stop the sandbox (also Ctrl-C, Ctrl-D, or "End preview session")"""


class PromptError(ValueError):
    """A line the prompt cannot run; the message is the one line to show."""


@dataclass(frozen=True, slots=True)
class Advance:
    """Move virtual time forward by ``seconds``."""

    seconds: int


@dataclass(frozen=True, slots=True)
class Show:
    """Print ``text`` and do nothing else (now, help)."""

    text: str


@dataclass(frozen=True, slots=True)
class Quit:
    """Stop the sandbox."""


Command = Advance | Show | Quit


def describe(instant: datetime) -> str:
    """An instant as the sandbox talks about it: Korea time first, UTC after."""
    kst = instant.astimezone(KST).strftime("%Y-%m-%d %H:%M KST (%a)")
    return f"{kst} = {instant.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC')}"


def parse_duration(text: str) -> int:
    """``7d``, ``2d 4h``, ``90m`` → seconds: the bot's one duration grammar (w d h m s)."""
    if not text.strip():
        raise PromptError("can't read an empty duration; try advance 7d, 2d 4h or 90m")
    try:
        return timeexpr.parse_duration(text)
    except TimeExprError as exc:
        if exc.key == "time.duration_zero":
            raise PromptError("advance needs a duration above zero, e.g. advance 1h") from None
        raise PromptError(
            f"can't read {text.strip()!r} as a duration; try 7d, 2d 4h or 90m"
        ) from None


def parse_instant(text: str, now: datetime) -> int:
    """``2022-03-23 17:00 KST``, ``… Asia/Seoul``, ``2022-03-23T17:00+09:00``, ``in 3h``,
    or a date alone (its midnight): the bot's one time grammar
    (:func:`bot.domain.timeexpr.parse_when`, :func:`~bot.domain.timeexpr.parse_partial`).

    No zone means Korea time: the sandbox's guild and its shows live there. The answer
    is a UTC epoch second, like every instant the time module reads.
    """
    spec = " ".join(text.split())
    if not spec:
        raise PromptError("advance-to needs an instant, e.g. advance-to 2022-03-23 17:00 KST")
    try:
        if _DATE_ALONE.fullmatch(spec):
            at = timeexpr.parse_partial(spec, timeexpr.Precision.DAY, DEFAULT_ZONE).at
        else:
            at = timeexpr.parse_when(spec, now=int(now.timestamp()), guild_tz=DEFAULT_ZONE)
    except TimeExprError as exc:
        raise PromptError(f"can't read {spec!r} as an instant: {exc}") from None
    return at


def parse_command(line: str, now: datetime) -> Command:
    """Turn one prompt line into a command, given the bot's current time."""
    words = line.strip().split(maxsplit=1)
    if not words:
        return Show("")
    verb, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    if verb in ("quit", "exit", "q"):
        return Quit()
    if verb in ("help", "?"):
        return Show(HELP)
    if verb == "now":
        return Show(f"now: {describe(now)}")
    if verb == "advance":
        seconds = parse_duration(rest)
    elif verb in ("advance-to", "advance_to"):
        seconds = parse_instant(rest, now) - int(now.timestamp())
        if seconds <= 0:
            target = now + timedelta(seconds=seconds)
            raise PromptError(
                f"can't go back to {describe(target)}: it is already {describe(now)}, "
                "and SimCord's clock only moves forward"
            )
    else:
        raise PromptError(f"unknown command {verb!r}; type help for the list")
    if seconds > MAX_ADVANCE.total_seconds():
        raise PromptError(f"that is more than {MAX_ADVANCE.days} days ahead; go in smaller steps")
    return Advance(seconds)
