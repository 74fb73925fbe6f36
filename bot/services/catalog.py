"""The bundled show catalog: copied into each guild the first time the guild is used."""

from __future__ import annotations

import asyncio
import logging
import time
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.domain.showfile import ShowFile, load_show_file
from bot.store.catalog_io import is_seeded, seed_guild
from bot.store.db import Database

log = logging.getLogger(__name__)

# Package data (``bot/data/shows``), found through importlib.resources so a wheel install
# finds it as well as a checkout does.
BUNDLED_SHOWS: Traversable = resources.files("bot").joinpath("data", "shows")


def bundled_show_entries(data_dir: Path | None = None) -> list[Traversable]:
    """The ``*.toml`` show files in ``data_dir`` (the bundled ones by default), by name."""
    directory: Traversable = BUNDLED_SHOWS if data_dir is None else data_dir
    entries = [e for e in directory.iterdir() if e.is_file() and e.name.endswith(".toml")]
    return sorted(entries, key=lambda entry: entry.name)


def bundled_show_files(data_dir: Path | None = None) -> list[ShowFile]:
    """Every ``*.toml`` show file in ``data_dir`` (the bundled ones by default), by name.

    Raises :class:`~bot.domain.showfile.ShowFileError` if one is invalid: a broken
    bundled file is a bug to fix, not a catalog to half-seed.
    """
    shows = []
    for entry in bundled_show_entries(data_dir):
        with resources.as_file(entry) as path:
            shows.append(load_show_file(path))
    return shows


async def ensure_seeded(
    db: Database, guild_id: int, data_dir: Path | None = None, *, now: int | None = None
) -> bool:
    """Seed the guild with the bundled shows unless it was seeded before.

    Returns True when this call seeded it. Settings row, every show, ``seeded_at`` and
    ``default_show`` go in one transaction; a guild seeded once is never seeded again,
    so an admin who emptied the catalog keeps it empty. ``now`` (epoch seconds) is the
    bot's clock, so a sandbox living in 2022 records 2022.
    """
    # Cheap check first, so normal use never parses the bundled files; seed_guild checks
    # again inside its transaction in case two callers race.
    if await is_seeded(db, guild_id):
        return False
    # File reads off the event loop: the bot calls this while serving a guild.
    shows = await asyncio.to_thread(bundled_show_files, data_dir)
    seeded = await seed_guild(db, guild_id, shows, now=int(time.time()) if now is None else now)
    if seeded:
        log.info("seeded guild %s with %s", guild_id, [s.show.slug for s in shows])
    return seeded
