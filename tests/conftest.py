"""Shared fixtures: the bundled show file and a migrated database on a temp file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "shows" / "soundtrack-1.toml"


@pytest.fixture
def bundled_text() -> str:
    return BUNDLED.read_text("utf-8")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "bot.db")
    await database.open()
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()
