"""Tests here run on both backends: ``db`` is the parametrized ``store`` fixture, and the
bots they build open ``store_target`` (an SQLite file, then a PostgreSQL database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Database


@pytest.fixture
def db(store: Database) -> Database:
    """The store under test: SQLite, then PostgreSQL (skipped without its binaries)."""
    return store


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """The bots these tests build run on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        return str(db_path)
    return str(request.getfixturevalue("pg_url"))
