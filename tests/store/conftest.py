"""Tests here run on both backends: ``db`` is the parametrized ``store`` fixture."""

from __future__ import annotations

import pytest

from bot.store import Database


@pytest.fixture
def db(store: Database) -> Database:
    """The store under test: SQLite, then PostgreSQL (skipped without its binaries)."""
    return store
