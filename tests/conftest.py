"""Shared fixtures: a real bot on a real temporary SQLite file, driven through SimCord."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bot.app import KdramaBot
from bot.sandbox.fanserver import FanServer, build_fan_server
from bot.store import Database, open_store
from tests.support import pg
from tests.support.paths import BUNDLED, DEFAULT_START, SHARED, clock_at

# Hypothesis' per-example deadline (200 ms) is a timed assertion: on a loaded machine one
# example took 2.9 s once and failed a test whose property held. The properties are what
# the tests promise; how long an example takes is not.
settings.register_profile("kdrama-bot", deadline=None)
settings.load_profile("kdrama-bot")


def missing_shared() -> str | None:
    """What this run does without ``../shared`` (``None`` when it is there)."""
    if (SHARED / "discord-api-spec" / "openapi.json").is_file():
        return None
    return (
        f"{SHARED} is absent: the wire tests ran without checking the bot's request bodies "
        "against Discord's OpenAPI spec, and the tests that read the seed articles or the "
        "spec were skipped. Put the shared folder beside this checkout for a full run."
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say once per run what a missing ``../shared`` left out (not once per test)."""
    if (notice := missing_shared()) is not None:
        terminalreporter.section("../shared missing", sep="-", yellow=True)
        terminalreporter.write_line(notice)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file for one test."""
    return tmp_path / "kdrama-bot.sqlite3"


@pytest.fixture
def store_target(db_path: Path) -> str:
    """What the bots a test builds open: the SQLite file (services tests: each backend)."""
    return str(db_path)


@pytest.fixture(autouse=True)
def _no_thread_outlives_its_test():
    """Fail the test that leaves a non-daemon thread running.

    aiosqlite's worker thread is not a daemon: one store left open keeps the pytest
    process alive after its summary line, which CI only reports as a timeout.
    """
    before = set(threading.enumerate())
    yield
    leaked = []
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(timeout=2)  # a store closed in teardown may still be winding down
            if thread.is_alive():
                leaked.append(thread.name)
    if leaked:
        pytest.fail(f"non-daemon threads outlived the test (an unclosed store?): {leaked}")


@pytest.fixture(autouse=True)
def _restore_logging():
    """CLI tests call main(), which configures the root logger; undo it after each test."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def bundled_text() -> str:
    """The bundled Soundtrack #1 show file."""
    return BUNDLED.read_text("utf-8")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database on a temporary file, closed after the test."""
    database = Database(tmp_path / "bot.db")
    await database.open()
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


async def _make_template(url: str) -> None:
    import asyncpg

    from bot.store._pg import PgDatabase

    admin = await asyncpg.connect(url.replace("/kb_template?", "/postgres?"))
    try:
        await admin.execute("CREATE DATABASE kb_template")
    finally:
        await admin.close()
    async with PgDatabase(url) as database:
        await database.migrate()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg.Cluster]:
    """One throwaway PostgreSQL cluster per test session, with a migrated template database.

    Skips (naming the package to install) where the PostgreSQL binaries are missing.
    """
    if pg.bindir() is None:
        pytest.skip(pg.MISSING)
    with pg.cluster() as running:
        with ThreadPoolExecutor(1) as pool:  # its own event loop, away from the tests'
            pool.submit(asyncio.run, _make_template(running.url("kb_template"))).result()
        yield running


@pytest.fixture(scope="session")
def pg_admin(pg_cluster: pg.Cluster) -> Iterator[pg.Admin]:
    """The session's connection for creating and dropping each test's database."""
    admin = pg.Admin(pg_cluster.url())
    yield admin
    admin.close()


_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_cluster: pg.Cluster, pg_admin: pg.Admin) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test (a copy of the template)."""
    name = f"kb_test_{os.getpid()}_{next(_databases)}"
    # FILE_COPY: copying the small template's files beats PostgreSQL 15's default
    # (WAL_LOG, every block through the WAL) by ~40% per test (fsync is off, so its
    # checkpoint is cheap); before 15 it was the only way and had no keyword.
    strategy = " STRATEGY FILE_COPY" if pg_admin.server_major >= 15 else ""
    pg_admin.execute(f"CREATE DATABASE {name} TEMPLATE kb_template{strategy}")
    yield pg_cluster.url(name)
    pg_admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_empty_url(pg_cluster: pg.Cluster, pg_admin: pg.Admin) -> Iterator[str]:
    """A fresh PostgreSQL database with no schema at all (migrations not applied)."""
    name = f"kb_empty_{os.getpid()}_{next(_databases)}"
    pg_admin.execute(f"CREATE DATABASE {name}")
    yield pg_cluster.url(name)
    pg_admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated store on each backend: an SQLite temp file, then a PostgreSQL database."""
    if request.param == "sqlite":
        database = Database(tmp_path / "bot.db")
    else:
        database = open_store(request.getfixturevalue("pg_url"))
    await database.open()
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def start_time() -> datetime:
    """The bot's "now" at the start of a behavioural test; override per module."""
    return DEFAULT_START


@pytest.fixture
async def make_bot(store_target: str, start_time: datetime):
    """Build a fresh bot over the test's database (a restart builds another).

    SimCord detaches a bot without calling ``close()``, as a crash would; each bot's
    store is closed here afterwards so no aiosqlite thread outlives the test.
    """
    built: list[KdramaBot] = []

    def build(**options: Any) -> KdramaBot:
        """A bot over the test's database; ``options`` go to KdramaBot (e.g. extensions)."""
        bot = KdramaBot(database=open_store(store_target), clock=clock_at(start_time), **options)
        built.append(bot)
        return bot

    yield build
    for bot in built:
        await bot.db.close()


@pytest.fixture
def simcord_bot(make_bot) -> KdramaBot:
    """The bot SimCord's ``simcord_env`` fixture runs."""
    return make_bot()


@dataclass
class World(FanServer):
    """The demo fan server (see bot.sandbox.fanserver) with the SimCord env around it."""

    env: object = None
    # Refusals the bot answered (UserFacingError, NotAdmin, …): the tree answers them
    # itself, so they never reach SimCord's env.errors; it dispatches them instead.
    refusals: list = field(default_factory=list)


@pytest.fixture
async def world(simcord_env) -> World:
    """The fan server with commands synced; no bot settings (each test sets its own)."""
    server = build_fan_server(simcord_env)
    await simcord_env.bot.tree.sync()
    world = World(**vars(server), env=simcord_env)

    async def on_app_command_refusal(_interaction, error) -> None:
        world.refusals.append(error)

    simcord_env.bot.add_listener(on_app_command_refusal)
    simcord_env.refusals = world.refusals  # for helpers that are handed the env
    return world


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the project; tests that need it skip with a reason without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout (seeds and API spec live there)")
    return SHARED


@pytest.fixture
def set_locale(monkeypatch):
    """Make one member's Discord client speak another language.

    SimCord always sends ``locale: en-US``; this wraps its payload builder so the
    chosen member's interactions carry the locale a Korean client would send.
    """
    import simcord.interactions as sim_interactions

    locales: dict[int, str] = {}
    original = sim_interactions.base_payload

    def base_payload(backend, **kwargs):
        record, payload = original(backend, **kwargs)
        if kwargs["user_id"] in locales:
            payload["locale"] = locales[kwargs["user_id"]]
        return record, payload

    monkeypatch.setattr(sim_interactions, "base_payload", base_payload)

    def choose(actor, locale: str) -> None:
        locales[actor.id] = locale

    return choose


@pytest.fixture
def forum_pins(monkeypatch) -> dict[int, bool]:
    """Forum posts' ``pinned`` flags, once SimCord is taught to accept them.

    The discussion tests use it with ``pytest.mark.usefixtures("forum_pins")``.
    """
    from tests.cogs.discussion_harness import pin_forum_posts

    return pin_forum_posts(monkeypatch)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run the CLI in an empty folder: no token, no log file, a database there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("LOG_FILE", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give SimCord longer to settle when ``SIMCORD_SETTLE_TIMEOUT`` says so.

    scripts/mutation.sh sets it: under mutmut's trampolines, ``nice`` and a shared
    machine's load, one settle can outlast SimCord's 5 s of wall time, and a test that
    fails on the unmutated code stops the whole mutation run. CI does not set it.
    """
    seconds = os.environ.get("SIMCORD_SETTLE_TIMEOUT")
    if not seconds:
        return
    for item in items:
        if item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=float(seconds)))
