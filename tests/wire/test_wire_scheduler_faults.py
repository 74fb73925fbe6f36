"""The scheduler never stops: 429 storms, a store another process locks, a lost outcome.

Through the real ``kdrama-bot run`` process. Every test asserts what reached "Discord"
(one message per announcement), what the store recorded (``sent``), and that the bot
logged no error: an outage is a warning, once, and a note in the log channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.wire.standin import StandIn, rest_guild
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.flows import announce, configure, timer_row


def _copies(standin: StandIn, text: str) -> list[dict]:
    return [m for m in standin.world.all_messages() if m.get("content") == text]


def _late(sent: dict, database: Path) -> str:
    """How late the message reached Discord, against its timer's due instant."""
    with sqlite3.connect(database, timeout=5) as conn:
        due = conn.execute("SELECT max(due) FROM timers WHERE key LIKE 'custom:%'").fetchone()[0]
    return f"{sent['_created'] - due:.1f}s late"


@contextlib.contextmanager
def write_lock(database: Path) -> Iterator[sqlite3.Connection]:
    """Hold SQLite's write lock on the bot's store from this (another) process."""
    conn = sqlite3.connect(database, timeout=10, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


@contextlib.contextmanager
def full_disk(bot: BotProcess) -> Iterator[None]:
    """The disk takes no more of the bot's writes until the block ends ("space is freed").

    The bot's process may not grow any file past 1 KiB (``RLIMIT_FSIZE``, set on its pid;
    CPython ignores SIGXFSZ). The write-ahead log is emptied first (a checkpoint from
    this process), so SQLite's next write, a WAL frame, crosses the limit and fails with
    EFBIG, which SQLite reports as ``disk I/O error`` (it says "full" only for ENOSPC,
    which needs a real full file system: SimCord tests cover that one with
    ``max_page_count``). A disk quota or a failing disk look the same to the bot.
    """
    with contextlib.closing(sqlite3.connect(bot.database, timeout=5)) as conn:
        for _ in range(100):
            if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                break
            time.sleep(0.05)  # a read of the bot's is under way; try again
        else:
            raise AssertionError("could not empty the write-ahead log")
    assert bot.process is not None
    pid = bot.process.pid
    soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (1024, hard))
    try:
        yield
    finally:
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))


async def _held_across_due(standin: StandIn, bot: BotProcess, text: str, seconds: float) -> float:
    """Schedule ``text`` 2 s ahead and hold the write lock for ``seconds`` from now.

    Returns when the lock was released, in epoch seconds.
    """
    await announce(standin, text, channel="announcements", in_seconds=2)
    with write_lock(bot.database):
        await asyncio.sleep(seconds)
    return time.time()


async def _lock_case(standin: StandIn, bot: BotProcess, seconds: float) -> None:
    await bot.start()
    await bot.wait_ready()
    await configure(standin, log_channel="mod-log")
    text = f"Episode 5 tonight (locked {seconds:g}s)"
    released = await _held_across_due(standin, bot, text, seconds)
    await standin.wait_until(lambda: _copies(standin, text), within=15, what="the announcement")
    await standin.wait_until(lambda: timer_row(bot.database)[0] == "sent", within=10)
    [sent] = _copies(standin, text)
    assert sent["_created"] >= released - 0.5  # it waited for the lock, then fired
    late = _late(sent, bot.database)
    print(f"write lock {seconds:g}s across the due second: 1 timer, 1 copy, {late}")
    notes = [m["content"] for m in standin.world.messages[standin.world.id("mod-log")]]
    busy = [n for n in notes if "store" in n.lower() or "database" in n.lower()]
    assert len(busy) >= 1, notes  # the moderators were told, once per outage
    assert len(busy) <= 2, notes  # (trouble, and that it is over), never one per retry
    # (the bot's output holds each log line twice: stdout and the log file)
    outage_lines = {line for line in bot.output().splitlines() if "the store is failing" in line}
    assert len(outage_lines) == 1, outage_lines  # logged once, not once per retry


async def test_a_write_lock_held_across_the_due_second_delays_the_announcement_only(
    standin: StandIn, bot: BotProcess
) -> None:
    # Past the due second (2 s ahead) plus the store's 2 s busy timeout: the claim is
    # refused at least once (the loop used to die of "database is locked").
    await _lock_case(standin, bot, 5.0)


@pytest.mark.slow
async def test_a_ten_second_write_lock_is_survived_without_a_restart(
    standin: StandIn, bot: BotProcess
) -> None:
    await _lock_case(standin, bot, 10.0)


async def test_a_429_storm_longer_than_discord_pys_patience_still_sends_once(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    channel = standin.world.id("announcements")
    # discord.py gives up after five 429s in a row; the sixth and seventh come after it.
    storm = standin.fail("POST", f"/channels/{channel}/messages", 429, times=7, retry_after=0.3)
    await announce(standin, "Episode 6 is out!", channel="announcements", in_seconds=2)
    await standin.wait_until(
        lambda: timer_row(bot.database)[0] in ("sent", "failed"), within=25, what="an outcome"
    )
    assert timer_row(bot.database)[0] == "sent", timer_row(bot.database)
    assert storm.hits == 7
    [sent] = _copies(standin, "Episode 6 is out!")
    print(f"429 x7: 1 timer, 1 copy, {_late(sent, bot.database)}")


async def test_an_announcement_discord_took_before_a_sigkill_is_not_sent_again_later(
    standin: StandIn, bot: BotProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.start()
    await bot.wait_ready()
    channel = standin.world.id("announcements")
    held = standin.fail_after("POST", f"/channels/{channel}/messages", 0, delay=30)
    await announce(standin, "Episode 7 is out!", channel="announcements", in_seconds=2)
    await standin.wait_until(lambda: held.performed == 1, within=10, what="the send")
    await bot.kill()
    held.times = 0
    held.released.set()
    assert timer_row(bot.database)[0] == "running"  # Discord has it; the store does not
    # The restart comes after Discord's nonce window: only the channel's history can tell.
    monkeypatch.setattr(rest_guild, "NONCE_WINDOW", 0.0)
    await bot.start()
    await bot.wait_ready()
    await standin.wait_until(lambda: timer_row(bot.database)[0] == "sent", within=10)
    [sent] = _copies(standin, "Episode 7 is out!")
    assert timer_row(bot.database) == ("sent", f"{channel}/{sent['id']}")
    print("SIGKILL before the outcome, restart past the nonce window: 1 timer, 1 copy")


async def test_an_outcome_the_locked_store_refused_is_written_once_it_frees(
    standin: StandIn, bot: BotProcess
) -> None:
    await bot.start()
    await bot.wait_ready()
    channel = standin.world.id("announcements")
    held = standin.fail_after("POST", f"/channels/{channel}/messages", 0, delay=30)
    await announce(standin, "Episode 8 is out!", channel="announcements", in_seconds=2)
    await standin.wait_until(lambda: held.performed == 1, within=10, what="the send")
    with write_lock(bot.database):
        held.released.set()  # Discord answers now; the outcome write meets the lock
        await asyncio.sleep(3.5)  # past the 2 s busy timeout: the write is refused
        assert timer_row(bot.database)[0] == "running"
    await standin.wait_until(lambda: timer_row(bot.database)[0] == "sent", within=10)
    [sent] = _copies(standin, "Episode 8 is out!")
    print(f"outcome write vs a 3.5 s lock: 1 timer, 1 copy, {_late(sent, bot.database)}")


async def test_a_disk_refusing_writes_across_the_due_second_is_survived_and_users_told(
    standin: StandIn, piped_bot: BotProcess
) -> None:
    bot = piped_bot
    await bot.start()
    await bot.wait_ready()
    await configure(standin, log_channel="mod-log")
    text = "Episode 9 is out!"
    await announce(standin, text, channel="announcements", in_seconds=3)
    refusing = time.time()
    with full_disk(bot):
        write = await standin.slash("admin", "general", "config set", catchup_minutes=7)
        refused = await write.wait(within=15)
        card = await (await standin.slash("member", "general", "show", show="soundtrack-1")).wait()
        await asyncio.sleep(5)  # the due second passes while the disk is full
        assert not _copies(standin, text)
        assert timer_row(bot.database)[0] == "pending"  # not even claimed: nothing is lost
    freed = time.time()
    await standin.wait_until(lambda: _copies(standin, text), within=20, what="the announcement")
    await standin.wait_until(lambda: timer_row(bot.database)[0] == "sent", within=10)
    [sent] = _copies(standin, text)
    assert write.callbacks[0]["type"] == 5  # deferred at once, then told
    assert "could not write" in refused["content"], refused
    assert "nothing was saved" in refused["content"]
    assert refused["flags"] & 64
    with contextlib.closing(sqlite3.connect(bot.database, timeout=5)) as conn:
        assert conn.execute("SELECT catchup_seconds FROM guild_settings").fetchone()[0] != 420
    assert card["embeds"][0]["title"] == "Soundtrack #1"  # reads answer on a full disk
    notes = [m["content"] for m in standin.world.messages[standin.world.id("mod-log")]]
    full = [n for n in notes if "store" in n.lower() or "database" in n.lower()]
    assert 1 <= len(full) <= 2, notes  # told once it started (and once it was over)
    outage = [line for line in bot.output().splitlines() if "the store is failing" in line]
    assert len(outage) == 1, outage  # logged once, not once per retry
    print(
        f"disk refusing writes for {freed - refusing:.1f}s across the due second: 1 timer,"
        f" 1 copy, {_late(sent, bot.database)}, {sent['_created'] - freed:.1f}s after it took"
        " writes again"
    )
