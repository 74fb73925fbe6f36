"""Crash consistency: SIGKILL the bot at random moments, restart it, and look at everything."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.services import announcer, discussions
from bot.services.catalog import bundled_show_entries, ensure_seeded
from bot.store import timers
from bot.store.db import Database
from bot.store.guilds import update_settings
from tests.wire.standin import StandIn
from tests.wire.standin.botproc import BotProcess
from tests.wire.standin.crash import (
    Deliveries,
    by_nonce,
    by_request_nonce,
    crash_cycles,
    store_problems,
    timer_outcome,
)
from tests.wire.standin.rest import install_commands
from tests.wire.standin.server import Recorded
from tests.wire.standin.world import FORUM, fan_server

GUILDS = 12
SHOW = "soundtrack-1"
EPISODE = re.compile(r"Episode (\d+) discussion")


async def plant_timers(
    database: Path, standin: StandIn, *, announcements: int, episodes: int, span: float
) -> dict[str, str]:
    """Before the first start, schedule work due over the next ``span`` seconds of real
    time, through the store's own functions: announcements in #announcements and the
    opening of each episode's forum post. Returns each timer's key with the name it is
    counted under (an announcement's nonce, ``post:N``)."""
    guild_id = int(standin.world.id("guild"))
    channel_id = int(standin.world.id("announcements"))
    now = int(time.time())
    db = Database(database)
    await db.open()
    await db.migrate()
    try:
        await ensure_seeded(db, guild_id)
        await update_settings(
            db, guild_id, discussion_channel_id=int(standin.world.id("discussion"))
        )
        expected = {}
        for n in range(announcements):
            key = f"custom:{SHOW}:crash:{n}"
            payload = {"show": SHOW, "text": f"Crash-test announcement {n}",
                       "channel_id": channel_id, "ping": False, "minor": False}  # fmt: skip
            due = now + 1 + round(span * n / max(1, announcements - 1))
            await timers.upsert(db, guild_id=guild_id, kind=announcer.CUSTOM, key=key, due=due,
                                payload=payload, now=now)  # fmt: skip
            expected[key] = (await timers.get(db, guild_id, key)).nonce  # type: ignore[union-attr]
        for number in range(1, episodes + 1):
            due = now + 2 + round(span * (number - 1) / max(1, episodes - 1))
            # The catalog must agree, or the bot's planner cancels an opening that its
            # episode's (2022) release no longer explains.
            await db.execute(
                """UPDATE episodes SET release_at = ?, release_precision = 'minute'
                   WHERE number = ? AND show_id = (SELECT id FROM shows
                                                   WHERE guild_id = ? AND slug = ?)""",
                (due, number, guild_id, SHOW),
            )
            await timers.upsert(db, guild_id=guild_id, kind=discussions.TIMER_KIND,
                                key=discussions.timer_key(SHOW, number), due=due,
                                payload={"show": SHOW, "episode": number}, now=now)  # fmt: skip
            expected[discussions.timer_key(SHOW, number)] = f"post:{number}"
    finally:
        await db.close()
    return expected


def per_timer(standin: StandIn):
    """A message's timer: its nonce (announcements) or, for a forum post's starter
    message and its poll, the episode the post discusses (discussion openings)."""

    def key(message: dict[str, Any]) -> str | None:
        channel = standin.world.channels.get(message["channel_id"], {})
        parent = standin.world.channels.get(channel.get("parent_id") or "", {})
        if parent.get("type") == FORUM and (message["id"] == channel["id"] or message.get("poll")):
            found = EPISODE.search(channel["name"])
            what = "poll" if message.get("poll") else "post"
            return f"{what}:{found.group(1)}" if found else f"{what}:{channel['name']}"
        return by_nonce(message)

    return key


def per_attempt(record: Recorded) -> str | None:
    """A request's timer: an announcement's nonce, or the episode a forum post opens."""
    body = record.body if isinstance(record.body, dict) else {}
    if record.method == "POST" and record.path.endswith("/threads"):
        found = EPISODE.search(str(body.get("name", "")))
        return f"post:{found.group(1)}" if found else None
    return by_request_nonce(record)


def stored_results(database: Path, keys: dict[str, str]) -> dict[str, str | None]:
    """Each planted timer's result in the store, by the name the test counts it under
    (``keys``: timer key -> nonce or ``post:N``)."""
    with sqlite3.connect(database, timeout=5) as conn:
        rows = dict(conn.execute("SELECT key, result FROM timers").fetchall())
    return {name: rows.get(key) for key, name in keys.items()}


def delivered_results(standin: StandIn, key) -> dict[str, str]:
    """What each timer's result must say, from what Discord has: an announcement's
    ``channel/message``, a discussion's ``episode:thread``."""
    found = {}
    for message in standin.world.all_messages():
        name = key(message)
        if name is None:
            continue
        if name.startswith("post:"):
            found[name] = f"{name.removeprefix('post:')}:{message['channel_id']}"
        else:
            found[name] = f"{message['channel_id']}/{message['id']}"
    return found


def result_problems(stored: dict[str, str | None], delivered: dict[str, str]) -> list[str]:
    """Timers whose stored result does not name the message Discord has: marked sent by
    a restart that never ran them again, or run again without finding the earlier send."""
    return [
        f"{name}: the store says {stored.get(name)}, Discord has {want}"
        for name, want in sorted(delivered.items())
        if name in stored and stored[name] != want
    ]


def discussion_threads(database: Path) -> dict[int, int]:
    """The thread the bot's store records for each episode's discussion."""
    with sqlite3.connect(database, timeout=5) as conn:
        return dict(conn.execute("SELECT episode, thread_id FROM discussions").fetchall())


def timer_rows(database: Path) -> list[tuple]:
    """Every timer as the store has it (for a failure message)."""
    with sqlite3.connect(database, timeout=5) as conn:
        return conn.execute(
            "SELECT key, status, attempts, due, last_error, result FROM timers ORDER BY due"
        ).fetchall()


def timer_statuses(database: Path) -> dict[str, int]:
    """How many timers the bot's store holds in each status."""
    with sqlite3.connect(database, timeout=5) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM timers GROUP BY status").fetchall())


async def _run(
    command_bodies: list[dict[str, Any]], tmp_path: Path, cycles: int, *, max_uptime: float = 3.5
) -> None:
    # Many guilds, so first-use catalog seeding (one big transaction each) keeps
    # happening across the kills instead of only in the first cycle.
    async with StandIn(fan_server(guild_count=GUILDS)) as standin:
        install_commands(standin, "global", command_bodies)
        # Sends and posts take a while to reach "Discord" and to come back, so kills land
        # in the middle of them. Killed on the way there, the request is lost with the
        # process (as on a real network) and only a re-run after the restart delivers it;
        # killed on the way back, Discord kept it, and the re-run must not repeat it (the
        # nonce for messages, adopting the post for forum openings).
        for path in ("/channels/*/messages", "/channels/*/threads"):
            standin.slow(0.3, "POST", path, hold=0.3, drop_if_gone=True)
        bot = BotProcess(standin.api_base, standin.gateway_url, standin.token, tmp_path)
        # Work falls due all through the kills: some while up, some while dead.
        span = cycles * max_uptime * 0.35  # a cycle lasts max_uptime / 2 + a restart
        planted = await plant_timers(
            bot.database, standin, announcements=max(6, cycles), episodes=4, span=span
        )
        expected = list(planted.values())
        try:
            report = await crash_cycles(
                standin,
                bot,
                cycles=cycles,
                max_uptime=max_uptime,
                bundled_shows=len(bundled_show_entries()),
                # Each post carries its poll, once, however the kills fell.
                expected_timers=[*expected, *(f"poll:{n}" for n in range(1, 5))],
                timer_key=per_timer(standin),
                attempt_key=per_attempt,
                # and the ledger has caught up with Discord (a stop cancels a send in flight)
                settled=lambda: timer_statuses(bot.database) == {"sent": len(expected)},
                # Only waited for when something is missing. The last run inherits what
                # the kills left running (79 after 100 kills on a loaded machine), and
                # each is a history lookup and a slowed send (0.3 s + 0.3 s): 30 s was
                # too short for that backlog, and the undelivered were counted as lost.
                settle_within=30.0 + 0.6 * cycles,
            )
        finally:
            await bot.kill()
        print(report.summary())
        assert report.store_problems == []
        # Every send a kill cut off was run again by a later process (and there were some).
        assert report.not_rerun == {}, timer_rows(bot.database)
        assert report.interrupted > 0
        assert report.duplicated == {}
        assert report.lost == [], timer_rows(bot.database)
        assert timer_statuses(bot.database) == {"sent": len(expected)}
        threads = standin.world.threads(standin.world.id("discussion"))
        assert len(threads) == 4 + 1  # + index
        posts = {int(EPISODE.search(t["name"]).group(1)): int(t["id"]) for t in threads
                 if EPISODE.search(t["name"])}  # fmt: skip
        assert discussion_threads(bot.database) == posts  # each opening recorded, adopted or not
        # A timer is sent because its run delivered or found its message: the store's
        # result names it (a restart that marked it sent without running it has none).
        delivered = delivered_results(standin, per_timer(standin))
        assert result_problems(stored_results(bot.database, planted), delivered) == []
        assert report.killed_while_connected > 0  # kills really landed while it was working
        assert report.guilds_seeded > 0
        standin.assert_clean()
    # Killed runs may log nothing wrong either: no tracebacks from a half-written store.
    assert bot.problems() == []


async def test_five_random_kills_leave_a_consistent_store_and_a_bot_that_restarts(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    await _run(command_bodies, tmp_path, cycles=5)


@pytest.mark.slow
async def test_a_hundred_random_kills_lose_and_duplicate_nothing(
    command_bodies: list[dict[str, Any]], tmp_path: Path
) -> None:
    await _run(command_bodies, tmp_path, cycles=100)


async def test_the_store_check_catches_a_half_seeded_guild(db) -> None:
    await ensure_seeded(db, 1001)
    await ensure_seeded(db, 1002)
    shows = len(bundled_show_entries())
    assert store_problems(Path(db.path), shows) == []
    await db.execute("UPDATE guild_settings SET seeded_at = NULL WHERE guild_id = 1001")
    await db.execute("DELETE FROM shows WHERE guild_id = 1002")
    problems = store_problems(Path(db.path), shows)
    assert any("never marked seeded" in p for p in problems)
    assert any("guild 1002 seeded with 0" in p for p in problems)


def test_per_timer_counts_catch_a_lost_and_a_duplicated_announcement() -> None:
    standin = StandIn(validate=False)
    channel = standin.world.id("announcements")
    for nonce in ("episode-1", "episode-2", "episode-2"):
        standin.world.messages[channel].append(
            {"id": standin.world.snowflake(), "nonce": nonce, "author": {"id": "1"}}
        )
    duplicated, lost = timer_outcome(standin, ["episode-1", "episode-2", "episode-3"])
    assert duplicated == {"episode-2": 2}
    assert lost == ["episode-3"]


def test_a_send_cut_off_by_a_kill_must_be_delivered_by_a_later_run() -> None:
    # Dropped on the way in run 2: only a later run's delivery will do.
    assert Deliveries(delivered_by=[3], attempts=[2, 3], dropped=[2]).problem() is None
    assert Deliveries(delivered_by=[], attempts=[2], dropped=[2]).problem() == (
        "dropped in run 2 and never delivered"
    )
    assert Deliveries(delivered_by=[], attempts=[2], unanswered=[2]).problem() == (
        "cut off in run 2 and never delivered"
    )
    # It had landed: the re-run finds it (checked through the store's result).
    assert Deliveries(delivered_by=[2], attempts=[2], unanswered=[2]).problem() is None


def test_the_store_check_catches_a_timer_marked_sent_without_its_message() -> None:
    delivered = {"kb1.x": "10/11", "post:1": "1:12"}
    assert result_problems({"kb1.x": "10/11", "post:1": "1:12"}, delivered) == []
    assert result_problems({"kb1.x": None, "post:1": "1:12"}, delivered) == [
        "kb1.x: the store says None, Discord has 10/11"
    ]
