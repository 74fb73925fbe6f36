"""Online backups, safe while the bot writes: SQLite's backup API, or ``pg_dump``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bot.store._pg import is_postgres_url


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


class BackupError(OSError):
    """A backup that cannot be written; the message names the path and why."""


def _checked_backup(source: str, target: str) -> None:
    if not Path(source).is_file():
        raise FileNotFoundError(f"no database at {source}")
    if Path(target).exists():
        raise FileExistsError(f"{target} already exists; choose a new file")
    folder = Path(target).parent
    if not folder.is_dir():
        raise BackupError(f"cannot write the backup to {target}: no folder {folder}")
    try:
        _backup(source, target)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot write the backup to {target}: {exc}") from exc


def _pg_dump_path() -> str:
    found = shutil.which("pg_dump")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True):
        return str(candidate)
    raise FileNotFoundError("pg_dump not found: install PostgreSQL's client tools")


def _pg_backup(url: str, target: str) -> None:
    """``pg_dump`` in its custom format (one consistent snapshot; ``pg_restore`` reads it)."""
    if Path(target).exists():
        raise FileExistsError(f"{target} already exists; choose a new file")
    done = subprocess.run(  # noqa: S603 (our own argv; the URL is one argument)
        [_pg_dump_path(), "--format=custom", "--no-owner", "--file", target, url],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        Path(target).unlink(missing_ok=True)
        # pg_dump's own message names the problem; the URL (and its password) is not echoed.
        raise RuntimeError(
            done.stderr.strip().splitlines()[-1] if done.stderr else "pg_dump failed"
        )


async def backup(source: str | Path, target: str | Path) -> None:
    """Copy the database at ``source`` (a file or a PostgreSQL URL) to the file ``target``
    without stopping the bot."""
    if isinstance(source, str) and is_postgres_url(source):
        await asyncio.to_thread(_pg_backup, source, str(target))
        return
    await asyncio.to_thread(_checked_backup, str(source), str(target))


class BotRunning(RuntimeError):
    """``kdrama-bot run`` holds this database: restoring under it would lose its writes."""


@contextlib.contextmanager
def run_lock(database: str | Path) -> Iterator[None]:
    """Held by ``kdrama-bot run`` for as long as it runs; raises BotRunning if taken.

    An advisory lock on ``<database>.lock`` (flock): the kernel drops it when the
    process ends, however it ends, so a crash never leaves it stale. Where flock does
    not exist (Windows) nothing is locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Linux/macOS
        yield
        return
    fd = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BotRunning(
                f"the bot is running on {database}; stop it first (systemctl stop kdrama-bot)"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


class RestoreError(ValueError):
    """A backup that must not replace the database; the message says why."""


def _backup_version(src: sqlite3.Connection, source: str, latest: int) -> int:
    """The backup's schema version, once it passed the integrity check."""
    try:
        verdict = [row[0] for row in src.execute("PRAGMA integrity_check")]
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{source} is not a kdrama-bot database: {exc}") from exc
    if verdict != ["ok"]:
        raise RestoreError(f"{source} fails SQLite's integrity check: {verdict[0]}")
    if version == 0:
        raise RestoreError(f"{source} has no kdrama-bot schema (schema version 0)")
    if version > latest:
        raise RestoreError(
            f"{source} is at schema version {version}, newer than this bot knows "
            f"({latest}); restore it with the release that wrote it"
        )
    return version


def _checked_restore(source: str, target: str, latest: int) -> int:
    if not Path(source).is_file():
        raise RestoreError(f"no backup at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        version = _backup_version(src, source, latest)
        with run_lock(target):
            dst = sqlite3.connect(target)
            try:
                # The backup API writes through SQLite (WAL included) and replaces the
                # whole database in one step.
                src.backup(dst)
            finally:
                dst.close()
        return version
    finally:
        src.close()


async def restore(source: str | Path, target: str | Path, *, latest: int) -> int:
    """Replace the database at ``target`` with the backup at ``source``.

    Refuses (BotRunning) while ``kdrama-bot run`` holds the database, and (RestoreError)
    a backup that fails ``integrity_check``, has no schema, or is newer than ``latest``.
    An older backup is fine: the next start (or ``db migrate``) brings it up to date.
    Returns the backup's schema version.
    """
    return await asyncio.to_thread(_checked_restore, str(source), str(target), latest)
