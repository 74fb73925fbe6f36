"""A throwaway PostgreSQL cluster for tests: ``initdb`` + ``pg_ctl`` in a temp folder.

Debian's ``postgresql`` package provides the binaries (often off PATH, under
``pg_config --bindir``). As root, the server runs as the ``postgres`` user, which owns
the folder. It listens only on a unix socket in that folder (on a free port number, so
two test runs never meet). Without the binaries, callers skip with :data:`MISSING`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MISSING = (
    "PostgreSQL binaries (initdb, pg_ctl) not found: `apt-get install postgresql` "
    "(Debian/Ubuntu) to run the PostgreSQL half of the store tests"
)


def bindir() -> Path | None:
    """Where initdb and pg_ctl live, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster; :meth:`url` names a database in it."""

    folder: Path
    port: int
    bindir: Path

    def run(self, tool: str, *args: str) -> None:
        """Run a client tool (createdb, dropdb) against the cluster."""
        argv = [str(self.bindir / tool), "-h", str(self.folder), "-p", str(self.port)]
        subprocess.run([*argv, "-U", "postgres", *args], check=True, capture_output=True)

    def url(self, database: str = "postgres") -> str:
        """A DATABASE_URL for ``database`` over the cluster's unix socket."""
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@contextlib.contextmanager
def cluster() -> Iterator[Cluster]:
    """Start a cluster for the duration of the block (raises FileNotFoundError without one)."""
    binaries = bindir()
    if binaries is None:
        raise FileNotFoundError(MISSING)
    folder = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    options = (
        f"-c listen_addresses='' -c unix_socket_directories='{folder}' -c port={port} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres(
            [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
             str(folder / "server.log"), "start"]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        yield Cluster(folder, port, binaries)
    finally:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


class Admin:
    """One connection to a cluster's ``postgres`` database, on its own thread and loop.

    Creating a test's database over a kept connection takes ~70 ms; spawning
    ``createdb`` and ``dropdb`` for each test cost ~0.4 s more, times every PostgreSQL
    test of the run.
    """

    def __init__(self, url: str) -> None:
        import asyncio
        import threading

        import asyncpg

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._conn = self._call(asyncpg.connect(url))
        self.server_major = self._conn.get_server_version().major

    def _call(self, work: Any) -> Any:
        import asyncio

        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def execute(self, sql: str) -> None:
        """Run one statement (CREATE DATABASE …, DROP DATABASE …)."""
        self._call(self._conn.execute(sql))

    def cut_sessions(self, url: str) -> None:
        """Cut every other session on ``url``'s database, as a server restart does, and
        give the goodbyes a moment (real time) to reach the sockets."""
        import time
        from urllib.parse import urlsplit

        name = urlsplit(url).path.lstrip("/")
        self.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        time.sleep(0.3)

    def close(self) -> None:
        self._call(self._conn.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
