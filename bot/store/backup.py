"""Online backups through SQLite's own backup API (safe while the bot writes)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path


def _backup(source: str, target: str) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            # pages=-1 copies in one step; the source stays readable and writable meanwhile.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _checked_backup(source: str, target: str) -> None:
    if not Path(source).is_file():
        raise FileNotFoundError(f"no database at {source}")
    if Path(target).exists():
        raise FileExistsError(f"{target} already exists; choose a new file")
    _backup(source, target)


async def backup(source: str | Path, target: str | Path) -> None:
    """Copy the database at ``source`` to ``target`` without stopping the bot."""
    await asyncio.to_thread(_checked_backup, str(source), str(target))
