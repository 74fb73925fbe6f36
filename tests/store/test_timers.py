"""The timers store on each backend (SQLite, PostgreSQL): what each call keeps, finds, changes."""

from __future__ import annotations

import itertools

import pytest

from bot.store import timers

GUILD, OTHER = 1, 2
NOW = 1_700_000_000


def _timer(timer_id: int, due: int) -> timers.Timer:
    return timers.Timer(timer_id, GUILD, "k", "key", {}, due, "pending", 0, None, None)


@pytest.mark.parametrize(
    ("timer_id", "due", "nonce"),
    [(1, 0, "kb1.0"), (35, 36, "kbz.10"), (1295, 46655, "kbzz.zzz"), (7, NOW, "kb7.s44we8")],
)
def test_a_timers_nonce_is_its_id_and_due_in_base_36(timer_id, due, nonce) -> None:
    # Worked out by hand. The format must never change: a timer interrupted before an
    # upgrade is re-run after it, and Discord drops the repeat only for the same nonce.
    assert _timer(timer_id, due).nonce == nonce


def test_no_two_timers_share_a_nonce_and_every_nonce_fits_discord() -> None:
    ids = [*range(1, 400), 36**5, 36**6 - 1, 2**40]
    dues = [0, 1, 35, 36, NOW, NOW + 1, NOW + 36, 2**40]
    nonces = {_timer(i, d).nonce for i, d in itertools.product(ids, dues)}
    assert len(nonces) == len(ids) * len(dues)
    assert max(len(n) for n in nonces) <= 25


async def _add(store, key: str, *, due: int = NOW, guild: int = GUILD, kind: str = "k") -> int:
    return await timers.upsert(
        store, guild_id=guild, kind=kind, key=key, due=due, payload={}, now=0
    )


async def test_list_filters_by_kind_status_and_key_prefix_within_the_guild(store) -> None:
    await _add(store, "a%1", due=NOW + 3)
    await _add(store, "a_2", due=NOW + 1, kind="other")
    await _add(store, "ab3", due=NOW + 2)
    await _add(store, "a%9", guild=OTHER)
    done = await _add(store, "a%4", due=NOW + 4)
    await timers.finish(store, done, status="sent", now=NOW)

    def keys(timers: list[timers.Timer]) -> list[str]:
        return [t.key for t in timers]

    assert keys(await timers.list_timers(store, GUILD)) == ["a_2", "ab3", "a%1", "a%4"]
    assert keys(await timers.list_timers(store, GUILD, kinds=["other"])) == ["a_2"]
    assert keys(await timers.list_timers(store, GUILD, statuses=["sent"])) == ["a%4"]
    assert keys(
        await timers.list_timers(store, GUILD, kinds=["other", "k"], statuses=["sent"])
    ) == ["a%4"]
    assert keys(await timers.list_timers(store, GUILD, kinds=["k"], statuses=["pending"])) == [
        "ab3",
        "a%1",
    ]
    # Keys may hold % and _: a prefix is matched literally, not as a LIKE pattern.
    assert keys(await timers.list_timers(store, GUILD, key_prefix="a%")) == ["a%1", "a%4"]
    assert keys(await timers.list_timers(store, GUILD, key_prefix="a_")) == ["a_2"]
    assert keys(await timers.list_timers(store, GUILD, newest_first=True, limit=2)) == [
        "a%4",
        "a%1",
    ]
    assert keys(await timers.list_timers(store, GUILD, limit=1)) == ["a_2"]
    assert await timers.list_timers(store, GUILD, kinds=[]) == []


async def test_a_guild_never_reads_another_guilds_timer_by_id(store) -> None:
    mine = await _add(store, "mine")
    theirs = await _add(store, "theirs", guild=OTHER)
    found = await timers.get_by_id(store, GUILD, mine)
    assert found is not None
    assert found.key == "mine"
    assert await timers.get_by_id(store, GUILD, theirs) is None


async def test_bulk_inserted_timers_are_pending_and_due_when_said(store) -> None:
    await timers.insert_many(
        store, [(GUILD, "k", "b1", NOW + 5, '{"n": 1}'), (OTHER, "k", "b2", NOW, "{}")], 0
    )
    timer = await timers.get(store, GUILD, "b1")
    assert timer is not None
    assert (timer.status, timer.due, timer.next_at, timer.payload) == (
        "pending",
        NOW + 5,
        NOW + 5,
        {"n": 1},
    )
    assert await timers.next_pending_at(store) == NOW


async def test_finish_records_only_from_running_or_pending(store) -> None:
    timer_id = await _add(store, "f")
    await timers.finish(store, timer_id, status="sent", now=NOW + 1, result="message 9")
    await timers.finish(store, timer_id, status="failed", now=NOW + 2, error="late")
    timer = await timers.get(store, GUILD, "f")
    assert timer is not None
    assert (timer.status, timer.result, timer.last_error, timer.finished_at) == (
        "sent",
        "message 9",
        None,
        NOW + 1,
    )
    assert timer.lateness == 1
    refused = await _add(store, "g")
    await timers.finish(store, refused, status="failed", now=NOW, error="403 Missing Access")
    timer = await timers.get(store, GUILD, "g")
    assert timer is not None
    assert (timer.status, timer.last_error) == ("failed", "403 Missing Access")


async def test_cancel_takes_only_the_guilds_own_pending_timer(store) -> None:
    await _add(store, "c")
    await _add(store, "c", guild=OTHER)
    assert await timers.cancel(store, GUILD, "c", now=NOW, reason="show removed") is True
    assert await timers.cancel(store, GUILD, "c", now=NOW, reason="again") is False
    assert await timers.cancel(store, GUILD, "nothing", now=NOW, reason=None) is False
    mine, theirs = await timers.get(store, GUILD, "c"), await timers.get(store, OTHER, "c")
    assert mine is not None
    assert theirs is not None
    assert (mine.status, mine.last_error, mine.finished_at) == ("cancelled", "show removed", NOW)
    assert theirs.status == "pending"
    await _add(store, "r", due=NOW)
    claimed = {(t.guild_id, t.key) for t in await timers.claim_due(store, NOW, 10)}
    assert claimed == {(OTHER, "c"), (GUILD, "r")}
    assert await timers.cancel(store, GUILD, "r", now=NOW, reason=None) is False  # running


async def test_replanning_keeps_a_sent_timer_and_revives_a_failed_one(store) -> None:
    sent = await _add(store, "s")
    await timers.finish(store, sent, status="sent", now=NOW)
    failed = await _add(store, "x")
    await timers.finish(store, failed, status="failed", now=NOW, error="403")
    assert await _add(store, "s", due=NOW + 60) == sent
    assert await _add(store, "x", due=NOW + 60) == failed
    kept, revived = await timers.get(store, GUILD, "s"), await timers.get(store, GUILD, "x")
    assert kept is not None
    assert revived is not None
    assert (kept.status, kept.due) == ("sent", NOW)
    assert (revived.status, revived.due, revived.attempts, revived.last_error) == (
        "pending",
        NOW + 60,
        0,
        None,
    )
