"""Create on Discord exactly once: the one way the bot makes things that carry no nonce.

Forum posts, threads from a message, index posts and their pin, scheduled events:
Discord has no idempotency key for these, so a create whose answer is lost (a 500 after
Discord committed, a timeout, a SIGKILL before the store recorded it) can leave an
object behind that a blind retry would duplicate. :func:`create_once` is the only path
for them (callers in ``bot.services.discussions`` and ``bot.services.events``; reuse it
for any new create of that kind, e.g. a poll's starter post):

1. **Intent first.** ``discord_creates`` gets a row for ``(guild, key)`` before anything
   is sent, and its ``attempts`` counter goes up before each create. A later try, in
   this process or after a restart, knows an earlier one may have succeeded unseen.
2. **Look before every attempt that may repeat one.** ``look()`` returns what the bot
   itself made for this key (threads by name, active and archived; events by creator,
   name and start; messages by the bot's marker), oldest first. Found: adopt the oldest,
   remove the rest (copies an earlier blind retry made), record it, done.
3. **No blind retries underneath.** discord.py retries 500/502/504/524 by itself
   (``HTTPClient.request``); inside :func:`create_once` that is switched off for the
   create (:func:`one_shot`), so the answer comes back here and the next attempt looks
   first. 429s are left to discord.py (a 429 means nothing was done), and a
   :class:`discord.RateLimited` it gives up with waits ``retry_after`` here.
4. **Give up honestly.** After ``attempts`` tries the last error is raised: the caller
   (a timer, a command) reports it; the intent stays, so the next try looks first.

``160004`` ("a thread has already been created for this message") is an answer, not a
failure: :func:`thread_from_message` adopts that thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
import discord
from discord.http import json_or_text

from bot.store import creates as store

if TYPE_CHECKING:
    from bot.app import KdramaBot

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord's codes and statuses this module reads.
THREAD_ALREADY_CREATED = 160004
_RETRIED_BY_DISCORD_PY = frozenset({500, 502, 504, 524})

# Set while a non-idempotent create is in flight: its 5xx comes back at once.
_ONE_SHOT: contextvars.ContextVar[bool] = contextvars.ContextVar("kb_one_shot", default=False)
_INSTALLED = "_kb_one_shot_installed"


async def _answer_5xx_at_once(response: aiohttp.ClientResponse) -> None:
    """aiohttp's ``raise_for_status`` hook: a 5xx ends the request instead of a retry."""
    if response.status in _RETRIED_BY_DISCORD_PY:
        data = await json_or_text(response)
        raise discord.DiscordServerError(response, data)


def install(http: Any) -> None:
    """Make ``http`` (a :class:`discord.http.HTTPClient`) honour :func:`one_shot`.

    discord.py hands every keyword of ``HTTPClient.request`` to aiohttp, whose per-request
    ``raise_for_status`` hook runs before discord.py looks at the status: raising there
    skips discord.py's unconditional 5xx retry for that one request, and nothing else.
    Idempotent; done lazily on first use, so a test transport that replaces ``bot.http``
    is wrapped too.
    """
    if getattr(http, _INSTALLED, False):
        return
    original = http.request

    async def request(route: Any, **kwargs: Any) -> Any:
        if _ONE_SHOT.get():
            kwargs.setdefault("raise_for_status", _answer_5xx_at_once)
        return await original(route, **kwargs)

    http.request = request
    setattr(http, _INSTALLED, True)


@contextlib.contextmanager
def one_shot() -> Iterator[None]:
    """Requests made inside are sent once: a 5xx is raised, not retried by discord.py."""
    token = _ONE_SHOT.set(True)
    try:
        yield
    finally:
        _ONE_SHOT.reset(token)


def is_transient(error: BaseException) -> bool:
    """Whether a create's failure may have left nothing (or something) worth a new look."""
    if isinstance(error, discord.RateLimited):
        return True
    if isinstance(error, discord.HTTPException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, TimeoutError | OSError | aiohttp.ClientError)


def _wait_after(error: BaseException, attempt: int) -> float:
    if isinstance(error, discord.RateLimited):
        return float(error.retry_after)
    return min(8.0, 0.5 * 2**attempt)


async def create_once(
    bot: KdramaBot,
    *,
    guild_id: int,
    key: str,
    look: Callable[[], Awaitable[Sequence[T]]],
    create: Callable[[], Awaitable[T]],
    object_id: Callable[[T], int],
    remove: Callable[[T], Awaitable[object]] | None = None,
    attempts: int = 4,
    look_first: bool = False,
) -> tuple[T, bool]:
    """Make ``key`` on Discord exactly once; returns ``(the object, made by this call)``.

    ``look`` lists what the bot already made for ``key``, oldest first (it is called only
    when an earlier attempt may have succeeded); ``create`` makes it (one request);
    ``remove`` deletes a surplus copy. ``look_first`` looks even before a first attempt
    (for objects that may exist without an intent: made before this module, or by hand).
    Raises the last error after ``attempts`` transient
    failures, and any permanent error (403, 404, 400) at once.
    """
    install(bot.http)
    db = bot.db
    intent = await store.intend(db, guild_id, key, now=bot.clock.timestamp())
    may_exist = look_first or intent.attempts > 0
    last: BaseException | None = None
    for attempt in range(attempts):
        if may_exist:
            found = list(await look())
            if found:
                keep = found[0]
                for copy in found[1:]:
                    await _remove(remove, copy, key, object_id)
                await store.created(db, guild_id, key, object_id(keep), now=bot.clock.timestamp())
                if attempt or intent.state != "created":
                    log.info("guild %s: adopted %s (%s) an earlier attempt made",
                             guild_id, key, object_id(keep))  # fmt: skip
                return keep, False
        await store.attempt(db, guild_id, key, now=bot.clock.timestamp())
        may_exist = True
        try:
            with one_shot():
                made = await create()
        except Exception as error:
            if not is_transient(error):
                raise
            last = error
            wait = _wait_after(error, attempt)
            log.info("guild %s: creating %s failed (%s); looking again in %.1fs",
                     guild_id, key, error, wait)  # fmt: skip
            await asyncio.sleep(wait)
            continue
        await store.created(db, guild_id, key, object_id(made), now=bot.clock.timestamp())
        return made, True
    assert last is not None
    raise last


async def _remove(
    remove: Callable[[T], Awaitable[object]] | None,
    copy: T,
    key: str,
    object_id: Callable[[T], int],
) -> None:
    if remove is None:
        return
    try:
        await remove(copy)
        log.warning("removed a duplicate %s (%s) made by an earlier attempt", key, object_id(copy))
    except discord.HTTPException as exc:
        log.warning("could not remove the duplicate %s (%s): %s", key, object_id(copy), exc)


async def thread_from_message(
    bot: KdramaBot, message: discord.Message, *, name: str, auto_archive_duration: int
) -> discord.Thread:
    """Start a thread on ``message``; ``160004`` (it already has one) adopts that thread.

    A thread started from a message shares the message's id, so the one Discord already
    made is fetched by that id rather than created again.
    """
    try:
        return await message.create_thread(
            name=name,
            auto_archive_duration=auto_archive_duration,  # type: ignore[arg-type]
        )
    except discord.HTTPException as exc:
        if exc.code != THREAD_ALREADY_CREATED:
            raise
    guild = message.guild
    found = guild.get_thread(message.id) if guild is not None else None
    if found is None:
        channel = await bot.fetch_channel(message.id)
        if not isinstance(channel, discord.Thread):
            raise discord.ClientException(f"message {message.id} has no thread")
        found = channel
    log.info("adopted thread %s: Discord already had it (160004)", found.id)
    return found
