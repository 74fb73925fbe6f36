"""The bundled show catalog: copied into each guild the first time the guild is used."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.domain.showfile import ShowFile, load_show_file
from bot.store.catalog_io import is_seeded, seed_guild
from bot.store.db import Database

log = logging.getLogger(__name__)

BUNDLED_SHOWS = Path(__file__).resolve().parents[2] / "data" / "shows"


def bundled_show_files(data_dir: Path | None = None) -> list[ShowFile]:
    """Every ``*.toml`` show file in ``data_dir`` (the bundled ones by default), by name.

    Raises :class:`~bot.domain.showfile.ShowFileError` if one is invalid: a broken
    bundled file is a bug to fix, not a catalog to half-seed.
    """
    directory = BUNDLED_SHOWS if data_dir is None else data_dir
    return [load_show_file(path) for path in sorted(directory.glob("*.toml"))]


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
